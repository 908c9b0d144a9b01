-- Movemental: the live Supabase database (schema `public`), January 2026.
--
-- 44 tables, 841 columns, as inventoried in movemental-database-tables.md.
-- Most tables were created directly in Supabase (not through Drizzle), so the
-- tenant key `organization_id` is present on the tenant root's direct children
-- only; every other table reaches a tenant through foreign keys, or does not
-- (those are the "needs audit" tables of the inventory).
--
-- Applied after the Supabase base (roles anon/authenticated/service_role, schema
-- auth with auth.users, auth.uid(), auth.jwt()). Plain SQL, one run, PostgreSQL 16.

-- Supabase grants new tables to the API roles by default.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO service_role;

-- ---------------------------------------------------------------------------
-- Types and helpers
-- ---------------------------------------------------------------------------

CREATE TYPE public.content_status AS ENUM ('draft', 'review', 'published', 'archived');
CREATE TYPE public.membership_role AS ENUM ('owner', 'admin', 'editor', 'member', 'viewer');

CREATE FUNCTION public.set_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$;

-- ---------------------------------------------------------------------------
-- Commerce (platform level) and Organizations (tenant root)
-- ---------------------------------------------------------------------------

CREATE TABLE public.subscription_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug varchar(50) NOT NULL UNIQUE,
  description text,
  tier varchar(20) NOT NULL,
  price_monthly numeric(10,2) NOT NULL DEFAULT 0,
  price_yearly numeric(10,2),
  currency varchar(3) NOT NULL DEFAULT 'USD',
  stripe_price_id_monthly varchar(255),
  stripe_price_id_yearly varchar(255),
  stripe_product_id varchar(255),
  max_members integer,
  max_books integer,
  max_courses integer,
  max_storage_mb integer,
  ai_credits_monthly integer NOT NULL DEFAULT 0,
  features jsonb NOT NULL DEFAULT '[]'::jsonb,
  is_public boolean NOT NULL DEFAULT true,
  is_active boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT subscription_plans_price_check CHECK (price_monthly >= 0)
);

CREATE TABLE public.organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug varchar(100) NOT NULL UNIQUE,
  description text,
  logo_url text,
  website_url text,
  primary_color varchar(7),
  secondary_color varchar(7),
  custom_domain varchar(255) UNIQUE,
  subdomain varchar(63) UNIQUE,
  owner_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  subscription_plan_id uuid REFERENCES public.subscription_plans(id),
  subscription_status varchar(20) NOT NULL DEFAULT 'trialing',
  trial_ends_at timestamptz,
  billing_email text,
  stripe_customer_id varchar(255),
  max_members integer NOT NULL DEFAULT 5,
  storage_quota_mb integer NOT NULL DEFAULT 1024,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  branding jsonb DEFAULT '{}'::jsonb,
  features text[] DEFAULT '{}'::text[],
  onboarding_completed boolean NOT NULL DEFAULT false,
  onboarding_step integer DEFAULT 0,
  timezone varchar(50) DEFAULT 'UTC',
  locale varchar(10) DEFAULT 'en',
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.organization_memberships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  role public.membership_role NOT NULL DEFAULT 'member',
  status varchar(20) NOT NULL DEFAULT 'active',
  invited_by uuid REFERENCES auth.users(id),
  invited_at timestamptz,
  joined_at timestamptz,
  permissions jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organization_memberships_organization_id_user_id_key UNIQUE (organization_id, user_id)
);

-- ---------------------------------------------------------------------------
-- Content
-- ---------------------------------------------------------------------------

CREATE TABLE public.content_categories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  parent_id uuid REFERENCES public.content_categories(id) ON DELETE SET NULL,
  name text NOT NULL,
  slug varchar(100) NOT NULL UNIQUE,
  description text,
  icon varchar(50),
  color varchar(7),
  image_url text,
  sort_order integer NOT NULL DEFAULT 0,
  content_count integer NOT NULL DEFAULT 0,
  is_active boolean NOT NULL DEFAULT true,
  seo_title varchar(70),
  seo_description varchar(160),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Books
-- ---------------------------------------------------------------------------

CREATE TABLE public.book_series (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug varchar(200) NOT NULL UNIQUE,
  description text,
  author_id uuid REFERENCES auth.users(id),
  cover_image_url text,
  book_count integer NOT NULL DEFAULT 0,
  is_complete boolean NOT NULL DEFAULT false,
  sort_order integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.books (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  series_id uuid REFERENCES public.book_series(id) ON DELETE SET NULL,
  title text NOT NULL,
  subtitle text,
  slug varchar(200) NOT NULL,
  description text,
  short_description varchar(500),
  author_id uuid REFERENCES auth.users(id),
  author_name text,
  co_authors text[] DEFAULT '{}'::text[],
  isbn_10 varchar(10),
  isbn_13 varchar(13),
  publisher text,
  publication_date date,
  edition varchar(50),
  language varchar(10) NOT NULL DEFAULT 'en',
  page_count integer,
  word_count integer,
  reading_time_minutes integer,
  cover_image_url text,
  cover_image_alt text,
  thumbnail_url text,
  banner_image_url text,
  status public.content_status NOT NULL DEFAULT 'draft',
  visibility varchar(20) NOT NULL DEFAULT 'private',
  is_featured boolean NOT NULL DEFAULT false,
  is_free boolean NOT NULL DEFAULT false,
  price numeric(10,2),
  sale_price numeric(10,2),
  currency varchar(3) NOT NULL DEFAULT 'USD',
  stripe_product_id varchar(255),
  stripe_price_id varchar(255),
  amazon_url text,
  audible_url text,
  purchase_url text,
  sample_pdf_url text,
  epub_url text,
  pdf_url text,
  audio_url text,
  series_order integer,
  category varchar(100),
  tags text[] DEFAULT '{}'::text[],
  keywords text[] DEFAULT '{}'::text[],
  topics text[] DEFAULT '{}'::text[],
  target_audience text,
  key_themes jsonb DEFAULT '[]'::jsonb,
  table_of_contents jsonb DEFAULT '[]'::jsonb,
  summary text,
  introduction text,
  foreword text,
  endorsements jsonb DEFAULT '[]'::jsonb,
  awards text[],
  seo_title varchar(70),
  seo_description varchar(160),
  og_image_url text,
  canonical_url text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  ai_summary text,
  ai_embedding_status varchar(20) DEFAULT 'pending',
  voice_profile jsonb,
  view_count integer NOT NULL DEFAULT 0,
  download_count integer NOT NULL DEFAULT 0,
  rating_average numeric(3,2),
  rating_count integer NOT NULL DEFAULT 0,
  chapter_count integer NOT NULL DEFAULT 0,
  sort_order integer NOT NULL DEFAULT 0,
  published_at timestamptz,
  archived_at timestamptz,
  created_by uuid REFERENCES auth.users(id),
  updated_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT books_organization_id_slug_key UNIQUE (organization_id, slug),
  CONSTRAINT books_price_check CHECK (price IS NULL OR price >= 0)
);

CREATE TABLE public.book_chapters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  book_id uuid NOT NULL REFERENCES public.books(id) ON DELETE CASCADE,
  parent_chapter_id uuid REFERENCES public.book_chapters(id) ON DELETE CASCADE,
  chapter_number integer NOT NULL,
  title text NOT NULL,
  subtitle text,
  slug varchar(200) NOT NULL,
  content text,
  content_html text,
  content_json jsonb,
  excerpt text,
  summary text,
  key_points text[] DEFAULT '{}'::text[],
  word_count integer NOT NULL DEFAULT 0,
  reading_time_minutes integer,
  audio_url text,
  audio_duration_seconds integer,
  is_free_preview boolean NOT NULL DEFAULT false,
  status public.content_status NOT NULL DEFAULT 'draft',
  sort_order integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  ai_embedding_status varchar(20) DEFAULT 'pending',
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT book_chapters_book_id_slug_key UNIQUE (book_id, slug)
);

-- Legacy import staging from the Alan Hirsch archive; book_id is filled in
-- once a row is matched to a book, so it is nullable.
CREATE TABLE public.books_chapters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  book_id uuid REFERENCES public.books(id) ON DELETE SET NULL,
  legacy_book_id integer,
  legacy_chapter_id integer,
  book_slug varchar(200),
  chapter_number integer,
  chapter_title text,
  section_title text,
  part_number integer,
  part_title text,
  content_markdown text,
  content_html text,
  footnotes jsonb DEFAULT '[]'::jsonb,
  images jsonb DEFAULT '[]'::jsonb,
  word_count integer,
  page_start integer,
  page_end integer,
  source_file text,
  source_format varchar(20),
  import_batch varchar(50),
  import_status varchar(20) NOT NULL DEFAULT 'pending',
  import_errors jsonb,
  checksum varchar(64),
  is_migrated boolean NOT NULL DEFAULT false,
  migrated_at timestamptz,
  migrated_to_chapter_id uuid REFERENCES public.book_chapters(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.citations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  book_id uuid NOT NULL REFERENCES public.books(id) ON DELETE CASCADE,
  chapter_id uuid REFERENCES public.book_chapters(id) ON DELETE SET NULL,
  citation_key varchar(100),
  citation_type varchar(30) NOT NULL DEFAULT 'book',
  title text NOT NULL,
  authors text[] DEFAULT '{}'::text[],
  publisher text,
  publication_year integer,
  journal text,
  volume varchar(20),
  issue varchar(20),
  pages varchar(50),
  doi varchar(255),
  isbn varchar(20),
  url text,
  accessed_at date,
  quote text,
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Content items
-- ---------------------------------------------------------------------------

CREATE TABLE public.content_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  category_id uuid REFERENCES public.content_categories(id) ON DELETE SET NULL,
  author_id uuid REFERENCES auth.users(id),
  book_id uuid REFERENCES public.books(id) ON DELETE SET NULL,
  content_type varchar(30) NOT NULL DEFAULT 'article',
  title text NOT NULL,
  subtitle text,
  slug varchar(200) NOT NULL,
  excerpt text,
  body text,
  body_html text,
  body_json jsonb,
  featured_image_url text,
  featured_image_alt text,
  audio_url text,
  video_url text,
  duration_seconds integer,
  word_count integer,
  reading_time_minutes integer,
  status public.content_status NOT NULL DEFAULT 'draft',
  visibility varchar(20) NOT NULL DEFAULT 'public',
  is_featured boolean NOT NULL DEFAULT false,
  is_premium boolean NOT NULL DEFAULT false,
  is_pinned boolean NOT NULL DEFAULT false,
  allow_comments boolean NOT NULL DEFAULT true,
  tags text[] DEFAULT '{}'::text[],
  keywords text[] DEFAULT '{}'::text[],
  topics text[] DEFAULT '{}'::text[],
  scripture_references text[] DEFAULT '{}'::text[],
  series_name text,
  series_order integer,
  source_url text,
  source_type varchar(30),
  original_published_at timestamptz,
  language varchar(10) NOT NULL DEFAULT 'en',
  translation_of_id uuid REFERENCES public.content_items(id) ON DELETE SET NULL,
  seo_title varchar(70),
  seo_description varchar(160),
  og_image_url text,
  canonical_url text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  ai_summary text,
  ai_key_points text[],
  ai_embedding_status varchar(20) DEFAULT 'pending',
  ai_generated boolean NOT NULL DEFAULT false,
  voice_score numeric(5,2),
  view_count integer NOT NULL DEFAULT 0,
  like_count integer NOT NULL DEFAULT 0,
  share_count integer NOT NULL DEFAULT 0,
  comment_count integer NOT NULL DEFAULT 0,
  bookmark_count integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  current_version_id uuid,
  scheduled_for timestamptz,
  published_at timestamptz,
  archived_at timestamptz,
  deleted_at timestamptz,
  created_by uuid REFERENCES auth.users(id),
  updated_by uuid REFERENCES auth.users(id),
  search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(excerpt, ''))
  ) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT content_items_organization_id_slug_key UNIQUE (organization_id, slug)
);

CREATE TABLE public.content_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  content_item_id uuid NOT NULL REFERENCES public.content_items(id) ON DELETE CASCADE,
  version_number integer NOT NULL,
  title text NOT NULL,
  body text,
  body_json jsonb,
  change_summary text,
  diff jsonb,
  word_count integer,
  is_published boolean NOT NULL DEFAULT false,
  created_by uuid REFERENCES auth.users(id),
  restored_from_version integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT content_versions_content_item_id_version_number_key UNIQUE (content_item_id, version_number)
);

-- ---------------------------------------------------------------------------
-- Courses
-- ---------------------------------------------------------------------------

CREATE TABLE public.courses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  instructor_id uuid REFERENCES auth.users(id),
  book_id uuid REFERENCES public.books(id) ON DELETE SET NULL,
  title text NOT NULL,
  subtitle text,
  slug varchar(200) NOT NULL,
  description text,
  short_description varchar(500),
  learning_objectives text[] DEFAULT '{}'::text[],
  prerequisites text[] DEFAULT '{}'::text[],
  target_audience text,
  level varchar(20) NOT NULL DEFAULT 'beginner',
  format varchar(20) NOT NULL DEFAULT 'self_paced',
  duration_weeks integer,
  estimated_hours numeric(5,1),
  cover_image_url text,
  trailer_video_url text,
  status public.content_status NOT NULL DEFAULT 'draft',
  visibility varchar(20) NOT NULL DEFAULT 'private',
  is_featured boolean NOT NULL DEFAULT false,
  is_free boolean NOT NULL DEFAULT false,
  price numeric(10,2),
  currency varchar(3) NOT NULL DEFAULT 'USD',
  stripe_price_id varchar(255),
  enrollment_limit integer,
  enrollment_count integer NOT NULL DEFAULT 0,
  completion_rate numeric(5,2),
  rating_average numeric(3,2),
  certificate_enabled boolean NOT NULL DEFAULT false,
  tags text[] DEFAULT '{}'::text[],
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  starts_at timestamptz,
  ends_at timestamptz,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT courses_organization_id_slug_key UNIQUE (organization_id, slug)
);

CREATE TABLE public.course_weeks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  week_number integer NOT NULL,
  title text NOT NULL,
  description text,
  objectives text[] DEFAULT '{}'::text[],
  theme text,
  scripture_focus text,
  reflection_prompt text,
  unlock_at timestamptz,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT course_weeks_course_id_week_number_key UNIQUE (course_id, week_number)
);

CREATE TABLE public.course_lessons (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  week_id uuid NOT NULL REFERENCES public.course_weeks(id) ON DELETE CASCADE,
  lesson_number integer NOT NULL,
  title text NOT NULL,
  slug varchar(200),
  lesson_type varchar(20) NOT NULL DEFAULT 'video',
  description text,
  content text,
  content_json jsonb,
  video_url text,
  audio_url text,
  duration_minutes integer,
  resources jsonb NOT NULL DEFAULT '[]'::jsonb,
  is_preview boolean NOT NULL DEFAULT false,
  is_required boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.formation_practice_assignments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lesson_id uuid NOT NULL REFERENCES public.course_lessons(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  practice_type varchar(50) NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'assigned',
  due_at timestamptz,
  completed_at timestamptz
);

-- ---------------------------------------------------------------------------
-- Assessments
-- ---------------------------------------------------------------------------

CREATE TABLE public.assessments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  created_by uuid REFERENCES auth.users(id),
  title text NOT NULL,
  slug varchar(200) NOT NULL,
  description text,
  instructions text,
  assessment_type varchar(30) NOT NULL DEFAULT 'apest',
  category varchar(50),
  question_count integer NOT NULL DEFAULT 0,
  estimated_minutes integer,
  scoring_method varchar(30) NOT NULL DEFAULT 'sum',
  scoring_config jsonb NOT NULL DEFAULT '{}'::jsonb,
  result_templates jsonb NOT NULL DEFAULT '{}'::jsonb,
  passing_score numeric(5,2),
  max_attempts integer,
  is_public boolean NOT NULL DEFAULT false,
  status public.content_status NOT NULL DEFAULT 'draft',
  version integer NOT NULL DEFAULT 1,
  tags text[] DEFAULT '{}'::text[],
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT assessments_organization_id_slug_key UNIQUE (organization_id, slug)
);

CREATE TABLE public.assessment_questions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assessment_id uuid NOT NULL REFERENCES public.assessments(id) ON DELETE CASCADE,
  question_number integer NOT NULL,
  question_text text NOT NULL,
  question_type varchar(30) NOT NULL DEFAULT 'likert',
  options jsonb NOT NULL DEFAULT '[]'::jsonb,
  correct_answer jsonb,
  dimension varchar(50),
  weight numeric(5,2) NOT NULL DEFAULT 1,
  reverse_scored boolean NOT NULL DEFAULT false,
  help_text text,
  is_required boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_assessments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  assessment_id uuid NOT NULL REFERENCES public.assessments(id) ON DELETE CASCADE,
  status varchar(20) NOT NULL DEFAULT 'in_progress',
  attempt_number integer NOT NULL DEFAULT 1,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  time_spent_seconds integer,
  current_question integer NOT NULL DEFAULT 0,
  total_questions integer,
  answered_count integer NOT NULL DEFAULT 0,
  raw_score numeric(10,2),
  percentage_score numeric(5,2),
  passed boolean,
  scores jsonb NOT NULL DEFAULT '{}'::jsonb,
  dimension_scores jsonb NOT NULL DEFAULT '{}'::jsonb,
  apostolic_score numeric(5,2),
  prophetic_score numeric(5,2),
  evangelistic_score numeric(5,2),
  shepherding_score numeric(5,2),
  teaching_score numeric(5,2),
  primary_gift varchar(30),
  secondary_gift varchar(30),
  gift_profile jsonb,
  result_type varchar(50),
  result_summary text,
  result_details jsonb,
  strengths text[],
  growth_areas text[],
  recommendations jsonb NOT NULL DEFAULT '[]'::jsonb,
  ai_insights text,
  ai_insights_generated_at timestamptz,
  report_url text,
  report_generated_at timestamptz,
  shared_publicly boolean NOT NULL DEFAULT false,
  share_token varchar(64) UNIQUE,
  cohort_label varchar(100),
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  device_type varchar(20),
  referrer text,
  utm_source varchar(100),
  utm_medium varchar(100),
  utm_campaign varchar(100),
  ip_country varchar(2),
  consent_research boolean NOT NULL DEFAULT false,
  consent_marketing boolean NOT NULL DEFAULT false,
  notes text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Two routes to the tenant: through the attempt (user_assessments) and
-- through the question (assessment_questions); both end at assessments.
CREATE TABLE public.assessment_responses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_assessment_id uuid NOT NULL REFERENCES public.user_assessments(id) ON DELETE CASCADE,
  question_id uuid NOT NULL REFERENCES public.assessment_questions(id) ON DELETE CASCADE,
  answer_value jsonb,
  answer_text text,
  numeric_value numeric(10,2),
  is_skipped boolean NOT NULL DEFAULT false,
  time_spent_seconds integer,
  answered_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT assessment_responses_user_assessment_id_question_id_key UNIQUE (user_assessment_id, question_id)
);

-- ---------------------------------------------------------------------------
-- Media
-- ---------------------------------------------------------------------------

CREATE TABLE public.video_series (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL,
  slug varchar(200) NOT NULL UNIQUE,
  description text,
  thumbnail_url text,
  video_count integer NOT NULL DEFAULT 0,
  total_duration_seconds integer NOT NULL DEFAULT 0,
  is_published boolean NOT NULL DEFAULT false,
  sort_order integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.videos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  series_id uuid REFERENCES public.video_series(id) ON DELETE SET NULL,
  uploaded_by uuid REFERENCES auth.users(id),
  title text NOT NULL,
  slug varchar(200) NOT NULL,
  description text,
  video_url text,
  embed_url text,
  provider varchar(20) NOT NULL DEFAULT 'mux',
  provider_asset_id varchar(255),
  provider_playback_id varchar(255),
  thumbnail_url text,
  duration_seconds integer,
  width integer,
  height integer,
  aspect_ratio varchar(10),
  file_size_bytes bigint,
  transcript text,
  transcript_vtt_url text,
  captions jsonb NOT NULL DEFAULT '[]'::jsonb,
  chapters jsonb NOT NULL DEFAULT '[]'::jsonb,
  status public.content_status NOT NULL DEFAULT 'draft',
  processing_status varchar(20) NOT NULL DEFAULT 'pending',
  visibility varchar(20) NOT NULL DEFAULT 'private',
  is_featured boolean NOT NULL DEFAULT false,
  is_premium boolean NOT NULL DEFAULT false,
  series_order integer,
  tags text[] DEFAULT '{}'::text[],
  speakers text[] DEFAULT '{}'::text[],
  recorded_at timestamptz,
  location text,
  view_count integer NOT NULL DEFAULT 0,
  like_count integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT videos_organization_id_slug_key UNIQUE (organization_id, slug)
);

CREATE TABLE public.video_recordings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  video_id uuid NOT NULL REFERENCES public.videos(id) ON DELETE CASCADE,
  recorded_by uuid REFERENCES auth.users(id),
  recording_type varchar(30) NOT NULL DEFAULT 'raw',
  storage_path text NOT NULL,
  file_name text,
  mime_type varchar(100),
  file_size_bytes bigint,
  duration_seconds integer,
  status varchar(20) NOT NULL DEFAULT 'uploaded',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.media_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  uploaded_by uuid REFERENCES auth.users(id),
  file_name text NOT NULL,
  storage_path text NOT NULL,
  bucket varchar(100) NOT NULL DEFAULT 'media',
  mime_type varchar(100),
  media_type varchar(20) NOT NULL,
  file_size_bytes bigint,
  width integer,
  height integer,
  duration_seconds integer,
  alt_text text,
  caption text,
  tags text[] DEFAULT '{}'::text[],
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Community
-- ---------------------------------------------------------------------------

CREATE TABLE public.communities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  created_by uuid REFERENCES auth.users(id),
  name text NOT NULL,
  slug varchar(200) NOT NULL,
  description text,
  community_type varchar(30) NOT NULL DEFAULT 'discussion',
  avatar_url text,
  banner_url text,
  visibility varchar(20) NOT NULL DEFAULT 'members',
  join_policy varchar(20) NOT NULL DEFAULT 'open',
  member_count integer NOT NULL DEFAULT 0,
  post_count integer NOT NULL DEFAULT 0,
  max_members integer,
  rules text,
  welcome_message text,
  tags text[] DEFAULT '{}'::text[],
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  discord_url text,
  is_active boolean NOT NULL DEFAULT true,
  is_featured boolean NOT NULL DEFAULT false,
  archived_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT communities_organization_id_slug_key UNIQUE (organization_id, slug)
);

-- ---------------------------------------------------------------------------
-- AI / Agents
-- ---------------------------------------------------------------------------

CREATE TABLE public.agents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  created_by uuid REFERENCES auth.users(id),
  name text NOT NULL,
  slug varchar(100) NOT NULL,
  description text,
  agent_type varchar(30) NOT NULL DEFAULT 'assistant',
  model varchar(100) NOT NULL DEFAULT 'gpt-4o',
  system_prompt text,
  temperature numeric(3,2) NOT NULL DEFAULT 0.7,
  max_tokens integer NOT NULL DEFAULT 2048,
  voice_profile jsonb,
  knowledge_sources jsonb NOT NULL DEFAULT '[]'::jsonb,
  capabilities text[] DEFAULT '{}'::text[],
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_public boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agents_organization_id_slug_key UNIQUE (organization_id, slug)
);

-- A registry of tools shared by every agent: no tenant link (needs audit).
CREATE TABLE public.agent_tools (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name varchar(100) NOT NULL UNIQUE,
  display_name text,
  description text,
  tool_type varchar(30) NOT NULL DEFAULT 'function',
  input_schema jsonb NOT NULL DEFAULT '{}'::jsonb,
  output_schema jsonb,
  endpoint_url text,
  requires_auth boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.agent_guardrails (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid REFERENCES public.agents(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  guardrail_type varchar(30) NOT NULL,
  rule_definition jsonb NOT NULL DEFAULT '{}'::jsonb,
  severity varchar(20) NOT NULL DEFAULT 'block',
  applies_to varchar(20) NOT NULL DEFAULT 'output',
  message_template text,
  priority integer NOT NULL DEFAULT 100,
  is_active boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.agent_instances (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  session_id varchar(100),
  status varchar(20) NOT NULL DEFAULT 'active',
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.agent_guardrail_assignments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  guardrail_id uuid NOT NULL REFERENCES public.agent_guardrails(id) ON DELETE CASCADE,
  is_enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agent_guardrail_assignments_agent_id_guardrail_id_key UNIQUE (agent_id, guardrail_id)
);

CREATE TABLE public.agent_tool_assignments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  tool_id uuid NOT NULL REFERENCES public.agent_tools(id) ON DELETE CASCADE,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_enabled boolean NOT NULL DEFAULT true,
  rate_limit_per_minute integer,
  priority integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agent_tool_assignments_agent_id_tool_id_key UNIQUE (agent_id, tool_id)
);

CREATE TABLE public.agent_traces (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  instance_id uuid NOT NULL REFERENCES public.agent_instances(id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  trace_id varchar(64) NOT NULL,
  parent_span_id varchar(64),
  span_type varchar(30),
  input jsonb,
  output jsonb,
  model varchar(100),
  prompt_tokens integer,
  completion_tokens integer,
  total_tokens integer,
  cost_usd numeric(10,6),
  latency_ms integer,
  status varchar(20),
  error_message text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.ai_lab_conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  agent_id uuid REFERENCES public.agents(id) ON DELETE SET NULL,
  title text,
  model varchar(100),
  system_prompt text,
  messages jsonb NOT NULL DEFAULT '[]'::jsonb,
  message_count integer NOT NULL DEFAULT 0,
  total_tokens integer NOT NULL DEFAULT 0,
  is_archived boolean NOT NULL DEFAULT false,
  is_shared boolean NOT NULL DEFAULT false,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.ai_lab_lite_conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  session_id varchar(100) NOT NULL,
  prompt text NOT NULL,
  response text,
  model varchar(100),
  tokens_used integer,
  rating smallint,
  ip_hash varchar(64),
  metadata jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ai_lab_lite_conversations_rating_check CHECK (rating BETWEEN 1 AND 5)
);

-- ---------------------------------------------------------------------------
-- Archive
-- ---------------------------------------------------------------------------

CREATE TABLE public.archive_collections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug varchar(200) NOT NULL UNIQUE,
  description text,
  curator_id uuid REFERENCES auth.users(id),
  source varchar(100),
  cover_image_url text,
  item_count integer NOT NULL DEFAULT 0,
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.archive_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  collection_id uuid NOT NULL REFERENCES public.archive_collections(id) ON DELETE CASCADE,
  content_item_id uuid REFERENCES public.content_items(id) ON DELETE SET NULL,
  title text NOT NULL,
  item_type varchar(30),
  source_url text,
  original_date date,
  content text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.archive_topics (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  parent_topic_id uuid REFERENCES public.archive_topics(id) ON DELETE SET NULL,
  name text NOT NULL,
  slug varchar(200) NOT NULL UNIQUE,
  description text,
  synonyms text[] DEFAULT '{}'::text[],
  related_topic_ids uuid[] DEFAULT '{}'::uuid[],
  scripture_references text[],
  item_count integer NOT NULL DEFAULT 0,
  depth integer NOT NULL DEFAULT 0,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Analytics (append-only, identity keys)
-- ---------------------------------------------------------------------------

CREATE TABLE public.analytics_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  session_id varchar(100),
  event_name varchar(100) NOT NULL,
  event_category varchar(50),
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  page_url text,
  referrer text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.page_views (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  session_id varchar(100),
  content_item_id uuid REFERENCES public.content_items(id) ON DELETE SET NULL,
  path text NOT NULL,
  title text,
  referrer text,
  utm_source varchar(100),
  utm_medium varchar(100),
  utm_campaign varchar(100),
  device_type varchar(20),
  browser varchar(50),
  country varchar(2),
  duration_seconds integer,
  scroll_depth numeric(5,2),
  viewed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.performance_metrics (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  metric_name varchar(100) NOT NULL,
  metric_value numeric(12,4) NOT NULL,
  unit varchar(20),
  route text,
  page_url text,
  device_type varchar(20),
  connection_type varchar(20),
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.search_analytics (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  query text NOT NULL,
  results_count integer NOT NULL DEFAULT 0,
  clicked_result_id uuid,
  clicked_position integer,
  search_type varchar(30) NOT NULL DEFAULT 'content',
  filters jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Users
-- ---------------------------------------------------------------------------

CREATE TABLE public.user_profiles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL UNIQUE REFERENCES auth.users(id) ON DELETE CASCADE,
  primary_organization_id uuid REFERENCES public.organizations(id) ON DELETE SET NULL,
  email text,
  full_name text,
  display_name text,
  first_name text,
  last_name text,
  avatar_url text,
  bio text,
  title text,
  church_name text,
  church_role varchar(100),
  denomination varchar(100),
  ministry_context varchar(100),
  years_in_ministry integer,
  city text,
  region text,
  country varchar(2),
  timezone varchar(50),
  language varchar(10) NOT NULL DEFAULT 'en',
  phone varchar(30),
  website_url text,
  social_links jsonb NOT NULL DEFAULT '{}'::jsonb,
  interests text[] DEFAULT '{}'::text[],
  apest_primary varchar(30),
  apest_secondary varchar(30),
  role varchar(20) NOT NULL DEFAULT 'user',
  onboarding_completed boolean NOT NULL DEFAULT false,
  email_notifications boolean NOT NULL DEFAULT true,
  marketing_opt_in boolean NOT NULL DEFAULT false,
  newsletter_subscribed boolean NOT NULL DEFAULT false,
  stripe_customer_id varchar(255),
  subscription_plan_id uuid REFERENCES public.subscription_plans(id),
  preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
  last_active_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_context_profiles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL UNIQUE REFERENCES auth.users(id) ON DELETE CASCADE,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  summary text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_memory (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  memory_type varchar(30) NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL,
  importance smallint NOT NULL DEFAULT 5,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_personality (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL UNIQUE REFERENCES auth.users(id) ON DELETE CASCADE,
  personality_type varchar(10),
  traits jsonb NOT NULL DEFAULT '{}'::jsonb,
  assessed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Indexes: most foreign keys are covered; a few are not (the catalog's
-- unindexed-foreign-key rule should name them).
-- ---------------------------------------------------------------------------

CREATE INDEX organizations_owner_id_idx ON public.organizations (owner_id);
CREATE INDEX organization_memberships_user_id_idx ON public.organization_memberships (user_id);
CREATE INDEX content_categories_parent_id_idx ON public.content_categories (parent_id);
CREATE INDEX books_series_id_idx ON public.books (series_id);
CREATE INDEX books_author_id_idx ON public.books (author_id);
CREATE INDEX books_status_published_at_idx ON public.books (status, published_at DESC) WHERE status = 'published';
CREATE INDEX books_tags_idx ON public.books USING gin (tags);
CREATE INDEX book_chapters_parent_chapter_id_idx ON public.book_chapters (parent_chapter_id);
CREATE INDEX books_chapters_book_id_idx ON public.books_chapters (book_id);
CREATE INDEX citations_book_id_idx ON public.citations (book_id);
CREATE INDEX content_items_category_id_idx ON public.content_items (category_id);
CREATE INDEX content_items_author_id_idx ON public.content_items (author_id);
CREATE INDEX content_items_book_id_idx ON public.content_items (book_id);
CREATE INDEX content_items_search_vector_idx ON public.content_items USING gin (search_vector);
CREATE INDEX content_items_published_idx ON public.content_items (organization_id, published_at DESC) WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX courses_instructor_id_idx ON public.courses (instructor_id);
CREATE INDEX courses_book_id_idx ON public.courses (book_id);
CREATE INDEX course_lessons_week_id_idx ON public.course_lessons (week_id, sort_order);
CREATE INDEX formation_practice_assignments_lesson_id_idx ON public.formation_practice_assignments (lesson_id);
CREATE INDEX formation_practice_assignments_user_id_idx ON public.formation_practice_assignments (user_id);
CREATE INDEX assessment_questions_assessment_id_idx ON public.assessment_questions (assessment_id, sort_order);
CREATE INDEX user_assessments_user_id_idx ON public.user_assessments (user_id);
CREATE INDEX user_assessments_assessment_id_idx ON public.user_assessments (assessment_id);
CREATE INDEX assessment_responses_question_id_idx ON public.assessment_responses (question_id);
CREATE INDEX videos_series_id_idx ON public.videos (series_id);
CREATE INDEX video_recordings_video_id_idx ON public.video_recordings (video_id);
CREATE INDEX media_items_organization_id_idx ON public.media_items (organization_id);
CREATE INDEX media_items_uploaded_by_idx ON public.media_items (uploaded_by);
CREATE INDEX agent_guardrails_agent_id_idx ON public.agent_guardrails (agent_id);
CREATE INDEX agent_instances_agent_id_idx ON public.agent_instances (agent_id);
CREATE INDEX agent_instances_user_id_idx ON public.agent_instances (user_id);
CREATE INDEX agent_guardrail_assignments_guardrail_id_idx ON public.agent_guardrail_assignments (guardrail_id);
CREATE INDEX agent_tool_assignments_tool_id_idx ON public.agent_tool_assignments (tool_id);
CREATE INDEX agent_traces_agent_id_idx ON public.agent_traces (agent_id, created_at DESC);
CREATE INDEX agent_traces_instance_id_idx ON public.agent_traces (instance_id);
CREATE INDEX agent_traces_trace_id_idx ON public.agent_traces (trace_id);
CREATE INDEX ai_lab_conversations_user_id_idx ON public.ai_lab_conversations (user_id);
CREATE INDEX ai_lab_conversations_agent_id_idx ON public.ai_lab_conversations (agent_id);
CREATE INDEX ai_lab_lite_conversations_session_id_idx ON public.ai_lab_lite_conversations (session_id);
CREATE INDEX archive_items_collection_id_idx ON public.archive_items (collection_id);
CREATE INDEX archive_items_content_item_id_idx ON public.archive_items (content_item_id);
CREATE INDEX archive_topics_parent_topic_id_idx ON public.archive_topics (parent_topic_id);
CREATE INDEX analytics_events_event_name_created_at_idx ON public.analytics_events (event_name, created_at);
CREATE INDEX analytics_events_user_id_idx ON public.analytics_events (user_id);
CREATE INDEX page_views_content_item_id_idx ON public.page_views (content_item_id);
CREATE INDEX page_views_viewed_at_idx ON public.page_views USING brin (viewed_at);
CREATE INDEX search_analytics_user_id_idx ON public.search_analytics (user_id);
CREATE INDEX user_profiles_primary_organization_id_idx ON public.user_profiles (primary_organization_id);
CREATE INDEX user_memory_user_id_key_idx ON public.user_memory (user_id, key);

-- ---------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------

CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON public.organizations
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER organization_memberships_set_updated_at BEFORE UPDATE ON public.organization_memberships
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER books_set_updated_at BEFORE UPDATE ON public.books
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER book_chapters_set_updated_at BEFORE UPDATE ON public.book_chapters
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER content_items_set_updated_at BEFORE UPDATE ON public.content_items
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER courses_set_updated_at BEFORE UPDATE ON public.courses
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER assessments_set_updated_at BEFORE UPDATE ON public.assessments
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER user_assessments_set_updated_at BEFORE UPDATE ON public.user_assessments
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER videos_set_updated_at BEFORE UPDATE ON public.videos
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER agents_set_updated_at BEFORE UPDATE ON public.agents
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER user_profiles_set_updated_at BEFORE UPDATE ON public.user_profiles
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- ---------------------------------------------------------------------------
-- Row level security
-- ---------------------------------------------------------------------------

-- The organisations the signed-in user belongs to. SECURITY DEFINER so that
-- the memberships policy can call it without recursing into itself.
CREATE FUNCTION public.user_organization_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
  AS $$
    SELECT organization_id FROM public.organization_memberships
    WHERE user_id = (SELECT auth.uid()) AND status = 'active'
  $$;
REVOKE EXECUTE ON FUNCTION public.user_organization_ids() FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.user_organization_ids() TO authenticated, service_role;

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members can read their organizations" ON public.organizations
  FOR SELECT TO authenticated
  USING (id IN (SELECT public.user_organization_ids()));
CREATE POLICY "Owners can update their organization" ON public.organizations
  FOR UPDATE TO authenticated
  USING (owner_id = (SELECT auth.uid()))
  WITH CHECK (owner_id = (SELECT auth.uid()));

ALTER TABLE public.organization_memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members can read memberships of their organizations" ON public.organization_memberships
  FOR SELECT TO authenticated
  USING (organization_id IN (SELECT public.user_organization_ids()));
CREATE POLICY "Owners manage memberships" ON public.organization_memberships
  FOR ALL TO authenticated
  USING (organization_id IN (
    SELECT o.id FROM public.organizations o WHERE o.owner_id = (SELECT auth.uid())))
  WITH CHECK (organization_id IN (
    SELECT o.id FROM public.organizations o WHERE o.owner_id = (SELECT auth.uid())));

ALTER TABLE public.books ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Anyone can read published public books" ON public.books
  FOR SELECT TO anon, authenticated
  USING (status = 'published' AND visibility = 'public');
CREATE POLICY "Members can read their organization's books" ON public.books
  FOR SELECT TO authenticated
  USING (organization_id IN (
    SELECT organization_id FROM public.organization_memberships WHERE user_id = (SELECT auth.uid())));
CREATE POLICY "Members can write their organization's books" ON public.books
  FOR INSERT TO authenticated
  WITH CHECK (organization_id IN (
    SELECT organization_id FROM public.organization_memberships WHERE user_id = (SELECT auth.uid())));
CREATE POLICY "Members can update their organization's books" ON public.books
  FOR UPDATE TO authenticated
  USING (organization_id IN (
    SELECT organization_id FROM public.organization_memberships WHERE user_id = (SELECT auth.uid())))
  WITH CHECK (organization_id IN (
    SELECT organization_id FROM public.organization_memberships WHERE user_id = (SELECT auth.uid())));

ALTER TABLE public.courses ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members can read their organization's courses" ON public.courses
  FOR SELECT TO authenticated
  USING (organization_id IN (
    SELECT organization_id FROM public.organization_memberships WHERE user_id = (SELECT auth.uid())));
CREATE POLICY "Members can manage their organization's courses" ON public.courses
  FOR ALL TO authenticated
  USING (organization_id IN (
    SELECT organization_id FROM public.organization_memberships WHERE user_id = (SELECT auth.uid())))
  WITH CHECK (organization_id IN (
    SELECT organization_id FROM public.organization_memberships WHERE user_id = (SELECT auth.uid())));

-- Published content is readable by everyone: this policy does not constrain by
-- organization_id, which a tenant-aware review should point out.
ALTER TABLE public.content_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Published content is public" ON public.content_items
  FOR SELECT TO anon, authenticated
  USING (status = 'published' AND deleted_at IS NULL);
CREATE POLICY "Editors manage their organization's content" ON public.content_items
  FOR ALL TO authenticated
  USING (organization_id IN (SELECT public.user_organization_ids()))
  WITH CHECK (organization_id IN (SELECT public.user_organization_ids()));

ALTER TABLE public.subscription_plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Public plans are readable" ON public.subscription_plans
  FOR SELECT TO anon, authenticated
  USING (is_public AND is_active);

-- auth.uid() is called per row here (no `(select ...)` wrapper).
ALTER TABLE public.user_memory ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users manage their own memories" ON public.user_memory
  FOR ALL TO authenticated
  USING (user_id = auth.uid())
  WITH CHECK (user_id = auth.uid());

ALTER TABLE public.user_profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users read their own profile" ON public.user_profiles
  FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
CREATE POLICY "Users update their own profile" ON public.user_profiles
  FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()))
  WITH CHECK (user_id = (SELECT auth.uid()));

-- RLS switched on while the agent builder was in progress; no policy yet, so
-- only service_role can read agents.
ALTER TABLE public.agents ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------------

CREATE VIEW public.published_books AS
  SELECT b.id, b.organization_id, b.title, b.subtitle, b.slug, b.cover_image_url,
         b.published_at, o.name AS organization_name, o.slug AS organization_slug
  FROM public.books b
  JOIN public.organizations o ON o.id = b.organization_id
  WHERE b.status = 'published' AND b.visibility = 'public';

-- ---------------------------------------------------------------------------
-- Comments
-- ---------------------------------------------------------------------------

COMMENT ON TABLE public.organizations IS 'Tenant root: one row per movement leader''s organization; every tenant-owned row carries organization_id.';
COMMENT ON TABLE public.organization_memberships IS 'Who belongs to which organization, and with which role.';
COMMENT ON TABLE public.subscription_plans IS 'Plans offered on the platform; shared by all tenants.';
COMMENT ON TABLE public.books IS 'Books published by an organization, with commerce and SEO metadata.';
COMMENT ON TABLE public.book_chapters IS 'Chapters of a book; nested sections point to their parent chapter.';
COMMENT ON TABLE public.books_chapters IS 'Legacy import staging for chapters from the Alan Hirsch archive (to be retired).';
COMMENT ON TABLE public.content_items IS 'Articles, sermons, podcasts and other content of an organization.';
COMMENT ON TABLE public.courses IS 'Courses (formation journeys) of an organization, split into weeks and lessons.';
COMMENT ON TABLE public.user_assessments IS 'One attempt by a user at an assessment (e.g. APEST), with scores and results.';
COMMENT ON TABLE public.user_memory IS 'Long-term memory of the AI assistant, per user.';
COMMENT ON VIEW public.published_books IS 'Books visible on public organization sites.';

COMMENT ON COLUMN public.organizations.slug IS 'URL name of the organization, unique across the platform.';
COMMENT ON COLUMN public.books.organization_id IS 'Owning organization (tenant key).';
COMMENT ON COLUMN public.books.metadata IS 'Free-form import data | keys: `isbn_source`, `import_batch` | <b>never</b> store personal data here';
COMMENT ON COLUMN public.books_chapters.book_id IS 'NULL until the legacy row is matched to a book.';
COMMENT ON COLUMN public.content_items.search_vector IS 'Generated full-text vector over title and excerpt.';
COMMENT ON COLUMN public.user_assessments.apostolic_score IS 'APEST: apostolic dimension score, 0-100.';
COMMENT ON COLUMN public.agent_guardrails.agent_id IS 'NULL means the guardrail applies to every agent.';

-- ---------------------------------------------------------------------------
-- Grants, as in a Supabase project
-- ---------------------------------------------------------------------------

GRANT SELECT ON ALL TABLES IN SCHEMA public TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated;
GRANT ALL ON ALL TABLES IN SCHEMA public TO service_role;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO authenticated, service_role;
