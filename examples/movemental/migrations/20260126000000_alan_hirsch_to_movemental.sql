-- Alan Hirsch → Movemental: proposed schema additions (not yet applied).
--
-- Proposes the new tables of the Movemental priority table, grouped by its 14
-- categories. The planning notes say "90 new tables"; the categories below
-- add up to 91 (8+7+18+4+8+4+5+7+3+5+14+5+2+1), and this file creates 91.
--
-- Tenancy follows the high-priority proposal: author_profiles,
-- audience_profiles, content_audits, book_authors and voice_baselines carry a
-- required organization_id; movement_leader_research is platform-wide research
-- with an optional (nullable) organization_id. Other tables are scoped through
-- their parent (course, book, video, agent...) or belong to a user only.
--
-- Runs after the live schema (schema.sql).

-- ===========================================================================
-- 1. Core Infrastructure (8)
-- ===========================================================================

CREATE TABLE public.voice_baselines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  agent_id uuid REFERENCES public.agents(id) ON DELETE SET NULL,
  name text NOT NULL,
  tone_descriptors text[] NOT NULL DEFAULT '{}'::text[],
  sample_texts jsonb NOT NULL DEFAULT '[]'::jsonb,
  style_rules jsonb NOT NULL DEFAULT '{}'::jsonb,
  vocabulary jsonb NOT NULL DEFAULT '{}'::jsonb,
  embedding_model varchar(100),
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  plan_id uuid NOT NULL REFERENCES public.subscription_plans(id),
  status varchar(20) NOT NULL DEFAULT 'active',
  stripe_subscription_id varchar(255) UNIQUE,
  current_period_start timestamptz,
  current_period_end timestamptz,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.certificate_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  design jsonb NOT NULL DEFAULT '{}'::jsonb,
  background_url text,
  signature_name text,
  signature_title text,
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.cohorts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  facilitator_id uuid REFERENCES auth.users(id),
  name text NOT NULL,
  starts_at timestamptz,
  ends_at timestamptz,
  capacity integer,
  status varchar(20) NOT NULL DEFAULT 'planned',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.author_profiles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  display_name text NOT NULL,
  bio_short varchar(280),
  bio_long text,
  credentials text[] NOT NULL DEFAULT '{}'::text[],
  theological_tradition text,
  key_themes text[] NOT NULL DEFAULT '{}'::text[],
  signature_concepts jsonb NOT NULL DEFAULT '[]'::jsonb,
  writing_style jsonb NOT NULL DEFAULT '{}'::jsonb,
  audience_summary text,
  headshot_url text,
  social_links jsonb NOT NULL DEFAULT '{}'::jsonb,
  research_sources jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT author_profiles_organization_id_user_id_key UNIQUE (organization_id, user_id)
);

CREATE TABLE public.movement_leader_research (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid REFERENCES public.organizations(id) ON DELETE SET NULL,
  leader_name text NOT NULL,
  email text,
  website_url text,
  organization_name text,
  affiliation text,
  research_summary text,
  published_works jsonb NOT NULL DEFAULT '[]'::jsonb,
  audience_estimate integer,
  content_inventory jsonb NOT NULL DEFAULT '{}'::jsonb,
  fit_score numeric(5,2),
  status varchar(20) NOT NULL DEFAULT 'prospect',
  researched_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.organization_invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  email text NOT NULL,
  role public.membership_role NOT NULL DEFAULT 'member',
  token varchar(64) NOT NULL UNIQUE,
  invited_by uuid REFERENCES auth.users(id),
  expires_at timestamptz NOT NULL DEFAULT (now() + interval '7 days'),
  accepted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  key_prefix varchar(12) NOT NULL,
  key_hash text NOT NULL,
  scopes text[] NOT NULL DEFAULT '{}'::text[],
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 2. Content & Archive Extensions (7)
-- ===========================================================================

CREATE TABLE public.content_audits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  audited_by uuid REFERENCES auth.users(id),
  scope varchar(30) NOT NULL DEFAULT 'full',
  status varchar(20) NOT NULL DEFAULT 'in_progress',
  total_items integer NOT NULL DEFAULT 0,
  inventory jsonb NOT NULL DEFAULT '[]'::jsonb,
  gaps jsonb NOT NULL DEFAULT '[]'::jsonb,
  recommendations jsonb NOT NULL DEFAULT '[]'::jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.content_series (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  title text NOT NULL,
  slug varchar(200) NOT NULL,
  description text,
  cover_image_url text,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT content_series_organization_id_slug_key UNIQUE (organization_id, slug)
);

CREATE TABLE public.content_tags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  slug varchar(100) NOT NULL,
  usage_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT content_tags_organization_id_slug_key UNIQUE (organization_id, slug)
);

CREATE TABLE public.content_item_tags (
  content_item_id uuid NOT NULL REFERENCES public.content_items(id) ON DELETE CASCADE,
  tag_id uuid NOT NULL REFERENCES public.content_tags(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (content_item_id, tag_id)
);

CREATE TABLE public.content_relations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_item_id uuid NOT NULL REFERENCES public.content_items(id) ON DELETE CASCADE,
  target_item_id uuid NOT NULL REFERENCES public.content_items(id) ON DELETE CASCADE,
  relation_type varchar(30) NOT NULL DEFAULT 'related',
  weight numeric(4,3),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT content_relations_no_self CHECK (source_item_id <> target_item_id)
);

CREATE TABLE public.archive_item_topics (
  archive_item_id uuid NOT NULL REFERENCES public.archive_items(id) ON DELETE CASCADE,
  topic_id uuid NOT NULL REFERENCES public.archive_topics(id) ON DELETE CASCADE,
  relevance numeric(3,2),
  PRIMARY KEY (archive_item_id, topic_id)
);

CREATE TABLE public.archive_sources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  collection_id uuid NOT NULL REFERENCES public.archive_collections(id) ON DELETE CASCADE,
  name text NOT NULL,
  source_type varchar(30) NOT NULL,
  url text,
  license text,
  item_count integer NOT NULL DEFAULT 0,
  imported_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 3. Course System (18)
-- ===========================================================================

CREATE TABLE public.course_modules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  title text NOT NULL,
  description text,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.course_enrollments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  cohort_id uuid REFERENCES public.cohorts(id) ON DELETE SET NULL,
  status varchar(20) NOT NULL DEFAULT 'active',
  progress_percent numeric(5,2) NOT NULL DEFAULT 0,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  last_accessed_at timestamptz,
  completed_at timestamptz,
  CONSTRAINT course_enrollments_course_id_user_id_key UNIQUE (course_id, user_id)
);

CREATE TABLE public.course_instructors (
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  role varchar(20) NOT NULL DEFAULT 'instructor',
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (course_id, user_id)
);

CREATE TABLE public.course_prerequisites (
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  prerequisite_course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  is_required boolean NOT NULL DEFAULT true,
  PRIMARY KEY (course_id, prerequisite_course_id)
);

CREATE TABLE public.course_resources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  lesson_id uuid REFERENCES public.course_lessons(id) ON DELETE CASCADE,
  title text NOT NULL,
  resource_type varchar(20) NOT NULL DEFAULT 'link',
  url text NOT NULL,
  file_size_bytes bigint,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.course_announcements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  author_id uuid REFERENCES auth.users(id),
  title text NOT NULL,
  body text NOT NULL,
  is_pinned boolean NOT NULL DEFAULT false,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.course_discussions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  lesson_id uuid REFERENCES public.course_lessons(id) ON DELETE SET NULL,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  title text NOT NULL,
  body text NOT NULL,
  is_resolved boolean NOT NULL DEFAULT false,
  reply_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.course_discussion_replies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  discussion_id uuid NOT NULL REFERENCES public.course_discussions(id) ON DELETE CASCADE,
  parent_reply_id uuid REFERENCES public.course_discussion_replies(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  body text NOT NULL,
  is_instructor_answer boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.course_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  title text,
  body text,
  is_published boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT course_reviews_course_id_user_id_key UNIQUE (course_id, user_id)
);

CREATE TABLE public.course_quizzes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  lesson_id uuid REFERENCES public.course_lessons(id) ON DELETE SET NULL,
  title text NOT NULL,
  passing_score numeric(5,2) NOT NULL DEFAULT 70,
  time_limit_minutes integer,
  max_attempts integer,
  shuffle_questions boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.quiz_questions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  quiz_id uuid NOT NULL REFERENCES public.course_quizzes(id) ON DELETE CASCADE,
  question_text text NOT NULL,
  question_type varchar(20) NOT NULL DEFAULT 'single_choice',
  options jsonb NOT NULL DEFAULT '[]'::jsonb,
  correct_answer jsonb,
  points integer NOT NULL DEFAULT 1,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.quiz_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  quiz_id uuid NOT NULL REFERENCES public.course_quizzes(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  score numeric(5,2),
  passed boolean,
  answers jsonb NOT NULL DEFAULT '{}'::jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz
);

CREATE TABLE public.lesson_completions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lesson_id uuid NOT NULL REFERENCES public.course_lessons(id) ON DELETE CASCADE,
  enrollment_id uuid NOT NULL REFERENCES public.course_enrollments(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  time_spent_seconds integer,
  completed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT lesson_completions_lesson_id_user_id_key UNIQUE (lesson_id, user_id)
);

CREATE TABLE public.lesson_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lesson_id uuid NOT NULL REFERENCES public.course_lessons(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  body text NOT NULL,
  timestamp_seconds integer,
  is_private boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.course_schedules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  cohort_id uuid REFERENCES public.cohorts(id) ON DELETE CASCADE,
  week_id uuid REFERENCES public.course_weeks(id) ON DELETE CASCADE,
  release_at timestamptz NOT NULL,
  due_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.cohort_members (
  cohort_id uuid NOT NULL REFERENCES public.cohorts(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  role varchar(20) NOT NULL DEFAULT 'participant',
  status varchar(20) NOT NULL DEFAULT 'active',
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cohort_id, user_id)
);

CREATE TABLE public.cohort_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cohort_id uuid NOT NULL REFERENCES public.cohorts(id) ON DELETE CASCADE,
  recording_video_id uuid REFERENCES public.videos(id) ON DELETE SET NULL,
  title text NOT NULL,
  starts_at timestamptz NOT NULL,
  duration_minutes integer NOT NULL DEFAULT 60,
  meeting_url text,
  notes text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.course_bundles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  title text NOT NULL,
  slug varchar(200) NOT NULL,
  description text,
  course_ids uuid[] NOT NULL DEFAULT '{}'::uuid[],
  price numeric(10,2),
  stripe_price_id varchar(255),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 4. Assessment Extensions (4)
-- ===========================================================================

CREATE TABLE public.question_banks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  dimension varchar(50),
  created_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.question_bank_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bank_id uuid NOT NULL REFERENCES public.question_banks(id) ON DELETE CASCADE,
  question_text text NOT NULL,
  question_type varchar(30) NOT NULL DEFAULT 'likert',
  options jsonb NOT NULL DEFAULT '[]'::jsonb,
  dimension varchar(50),
  difficulty smallint,
  tags text[] NOT NULL DEFAULT '{}'::text[],
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.assessment_analytics (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assessment_id uuid NOT NULL REFERENCES public.assessments(id) ON DELETE CASCADE,
  period_start date NOT NULL,
  period_end date NOT NULL,
  attempts_count integer NOT NULL DEFAULT 0,
  completions_count integer NOT NULL DEFAULT 0,
  average_score numeric(5,2),
  dimension_averages jsonb NOT NULL DEFAULT '{}'::jsonb,
  computed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT assessment_analytics_period_key UNIQUE (assessment_id, period_start, period_end)
);

CREATE TABLE public.assessment_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_assessment_id uuid NOT NULL REFERENCES public.user_assessments(id) ON DELETE CASCADE,
  report_type varchar(30) NOT NULL DEFAULT 'full',
  content jsonb NOT NULL DEFAULT '{}'::jsonb,
  pdf_url text,
  generated_by varchar(100),
  shared_with text[] NOT NULL DEFAULT '{}'::text[],
  generated_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 5. Learning Activities (8)
-- ===========================================================================

CREATE TABLE public.learning_paths (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  title text NOT NULL,
  slug varchar(200) NOT NULL,
  description text,
  steps jsonb NOT NULL DEFAULT '[]'::jsonb,
  is_published boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.exercises (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  lesson_id uuid REFERENCES public.course_lessons(id) ON DELETE SET NULL,
  title text NOT NULL,
  instructions text,
  exercise_type varchar(30) NOT NULL DEFAULT 'written',
  estimated_minutes integer,
  rubric jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.exercise_submissions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  exercise_id uuid NOT NULL REFERENCES public.exercises(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  response text,
  attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
  status varchar(20) NOT NULL DEFAULT 'submitted',
  score numeric(5,2),
  feedback text,
  reviewed_by uuid REFERENCES auth.users(id),
  submitted_at timestamptz NOT NULL DEFAULT now(),
  reviewed_at timestamptz
);

CREATE TABLE public.reflection_prompts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  course_week_id uuid REFERENCES public.course_weeks(id) ON DELETE SET NULL,
  prompt text NOT NULL,
  scripture_reference text,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.reflections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  prompt_id uuid REFERENCES public.reflection_prompts(id) ON DELETE SET NULL,
  lesson_id uuid REFERENCES public.course_lessons(id) ON DELETE SET NULL,
  body text NOT NULL,
  mood varchar(20),
  is_private boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.learning_outcomes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  code varchar(20) NOT NULL,
  description text NOT NULL,
  bloom_level varchar(20),
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT learning_outcomes_course_id_code_key UNIQUE (course_id, code)
);

CREATE TABLE public.outcome_achievements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  outcome_id uuid NOT NULL REFERENCES public.learning_outcomes(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
  verified_by uuid REFERENCES auth.users(id),
  achieved_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.practice_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  practice_type varchar(50) NOT NULL,
  duration_minutes integer,
  notes text,
  practiced_on date NOT NULL DEFAULT current_date,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 6. Book Extensions (4)
-- ===========================================================================

CREATE TABLE public.book_authors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  book_id uuid NOT NULL REFERENCES public.books(id) ON DELETE CASCADE,
  author_profile_id uuid REFERENCES public.author_profiles(id) ON DELETE SET NULL,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  display_name text NOT NULL,
  role varchar(30) NOT NULL DEFAULT 'author',
  sort_order integer NOT NULL DEFAULT 0,
  royalty_share numeric(5,2),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT book_authors_book_id_author_profile_id_key UNIQUE (book_id, author_profile_id)
);

-- order_id gets its foreign key once `orders` exists (category 8).
CREATE TABLE public.book_purchases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  book_id uuid NOT NULL REFERENCES public.books(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  order_id uuid,
  format varchar(20) NOT NULL DEFAULT 'ebook',
  price_paid numeric(10,2) NOT NULL,
  currency varchar(3) NOT NULL DEFAULT 'USD',
  download_count integer NOT NULL DEFAULT 0,
  purchased_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.book_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  book_id uuid NOT NULL REFERENCES public.books(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  title text,
  body text,
  is_verified_purchase boolean NOT NULL DEFAULT false,
  is_published boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.book_reading_progress (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  book_id uuid NOT NULL REFERENCES public.books(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  chapter_id uuid REFERENCES public.book_chapters(id) ON DELETE SET NULL,
  percent_complete numeric(5,2) NOT NULL DEFAULT 0,
  last_position jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  last_read_at timestamptz,
  finished_at timestamptz,
  CONSTRAINT book_reading_progress_book_id_user_id_key UNIQUE (book_id, user_id)
);

-- ===========================================================================
-- 7. Video Extensions (5)
-- ===========================================================================

CREATE TABLE public.video_watch_history (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  video_id uuid NOT NULL REFERENCES public.videos(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  position_seconds integer NOT NULL DEFAULT 0,
  watched_seconds integer NOT NULL DEFAULT 0,
  completed boolean NOT NULL DEFAULT false,
  last_watched_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT video_watch_history_video_id_user_id_key UNIQUE (video_id, user_id)
);

CREATE TABLE public.video_annotations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  video_id uuid NOT NULL REFERENCES public.videos(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  timestamp_seconds integer NOT NULL,
  body text NOT NULL,
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.video_chapters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  video_id uuid NOT NULL REFERENCES public.videos(id) ON DELETE CASCADE,
  title text NOT NULL,
  start_seconds integer NOT NULL,
  end_seconds integer,
  sort_order integer NOT NULL DEFAULT 0
);

CREATE TABLE public.video_playlists (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  title text NOT NULL,
  slug varchar(200) NOT NULL,
  description text,
  is_public boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.video_playlist_items (
  playlist_id uuid NOT NULL REFERENCES public.video_playlists(id) ON DELETE CASCADE,
  video_id uuid NOT NULL REFERENCES public.videos(id) ON DELETE CASCADE,
  sort_order integer NOT NULL DEFAULT 0,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (playlist_id, video_id)
);

-- ===========================================================================
-- 8. Commerce & Transactions (7)
-- ===========================================================================

CREATE TABLE public.products (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  product_type varchar(20) NOT NULL,
  book_id uuid REFERENCES public.books(id) ON DELETE SET NULL,
  course_id uuid REFERENCES public.courses(id) ON DELETE SET NULL,
  price numeric(10,2) NOT NULL,
  currency varchar(3) NOT NULL DEFAULT 'USD',
  stripe_product_id varchar(255),
  stripe_price_id varchar(255),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.affiliates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  code varchar(32) NOT NULL UNIQUE,
  commission_rate numeric(5,2) NOT NULL DEFAULT 10,
  payout_email text,
  status varchar(20) NOT NULL DEFAULT 'active',
  total_earned numeric(10,2) NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE RESTRICT,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  affiliate_id uuid REFERENCES public.affiliates(id) ON DELETE SET NULL,
  status varchar(20) NOT NULL DEFAULT 'pending',
  subtotal numeric(10,2) NOT NULL,
  discount numeric(10,2) NOT NULL DEFAULT 0,
  tax numeric(10,2) NOT NULL DEFAULT 0,
  total numeric(10,2) NOT NULL,
  currency varchar(3) NOT NULL DEFAULT 'USD',
  stripe_checkout_session_id varchar(255),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.order_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id uuid NOT NULL REFERENCES public.orders(id) ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES public.products(id),
  quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
  unit_price numeric(10,2) NOT NULL,
  total_price numeric(10,2) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id uuid REFERENCES public.orders(id) ON DELETE SET NULL,
  user_subscription_id uuid REFERENCES public.user_subscriptions(id) ON DELETE SET NULL,
  amount numeric(10,2) NOT NULL,
  currency varchar(3) NOT NULL DEFAULT 'USD',
  status varchar(20) NOT NULL,
  provider varchar(20) NOT NULL DEFAULT 'stripe',
  provider_payment_id varchar(255),
  paid_at timestamptz,
  refunded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.affiliate_referrals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  affiliate_id uuid NOT NULL REFERENCES public.affiliates(id) ON DELETE CASCADE,
  order_id uuid REFERENCES public.orders(id) ON DELETE SET NULL,
  referred_user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  commission_amount numeric(10,2),
  status varchar(20) NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.donations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  amount numeric(10,2) NOT NULL CHECK (amount > 0),
  currency varchar(3) NOT NULL DEFAULT 'USD',
  is_recurring boolean NOT NULL DEFAULT false,
  frequency varchar(20),
  donor_name text,
  donor_email text,
  message text,
  stripe_payment_intent_id varchar(255),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 9. Credentials & Certificates (3)
-- ===========================================================================

CREATE TABLE public.certificates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  template_id uuid REFERENCES public.certificate_templates(id) ON DELETE SET NULL,
  certificate_number varchar(50) NOT NULL UNIQUE,
  verification_code varchar(32) NOT NULL UNIQUE,
  pdf_url text,
  issued_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE public.badges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  badge_type varchar(50) NOT NULL,
  name text NOT NULL,
  description text,
  image_url text,
  criteria jsonb NOT NULL DEFAULT '{}'::jsonb,
  awarded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.ce_credits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  course_id uuid NOT NULL REFERENCES public.courses(id) ON DELETE CASCADE,
  certificate_id uuid REFERENCES public.certificates(id) ON DELETE SET NULL,
  credit_hours numeric(4,1) NOT NULL,
  credit_type varchar(30) NOT NULL DEFAULT 'CEU',
  accrediting_body text,
  earned_at timestamptz NOT NULL DEFAULT now(),
  reported_at timestamptz
);

-- ===========================================================================
-- 10. Agent Extensions (5)
-- ===========================================================================

CREATE TABLE public.agent_handoffs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  from_agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  to_agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  instance_id uuid REFERENCES public.agent_instances(id) ON DELETE SET NULL,
  reason text,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.agent_metrics (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  period_start date NOT NULL,
  period_end date NOT NULL,
  conversation_count integer NOT NULL DEFAULT 0,
  message_count integer NOT NULL DEFAULT 0,
  avg_latency_ms integer,
  total_tokens bigint NOT NULL DEFAULT 0,
  total_cost_usd numeric(12,6) NOT NULL DEFAULT 0,
  satisfaction_score numeric(3,2),
  computed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.agent_interactions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  instance_id uuid REFERENCES public.agent_instances(id) ON DELETE SET NULL,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  interaction_type varchar(30) NOT NULL,
  input text,
  output text,
  tokens_used integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.agent_feedback (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trace_id uuid NOT NULL REFERENCES public.agent_traces(id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  rating smallint CHECK (rating BETWEEN 1 AND 5),
  comment text,
  categories text[] NOT NULL DEFAULT '{}'::text[],
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.agent_knowledge_sources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
  source_type varchar(30) NOT NULL,
  content_item_id uuid REFERENCES public.content_items(id) ON DELETE CASCADE,
  book_id uuid REFERENCES public.books(id) ON DELETE CASCADE,
  url text,
  status varchar(20) NOT NULL DEFAULT 'pending',
  chunk_count integer NOT NULL DEFAULT 0,
  last_indexed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 11. User Profile Extensions (14)
-- ===========================================================================

CREATE TABLE public.user_ministry_contexts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  context_type varchar(30) NOT NULL,
  church_size varchar(20),
  setting varchar(20),
  role text,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_skills (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  skill text NOT NULL,
  proficiency smallint CHECK (proficiency BETWEEN 1 AND 5),
  endorsed_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_goals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  title text NOT NULL,
  description text,
  category varchar(30),
  target_date date,
  status varchar(20) NOT NULL DEFAULT 'active',
  progress_percent numeric(5,2) NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_spiritual_gifts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  source_assessment_id uuid REFERENCES public.user_assessments(id) ON DELETE SET NULL,
  gift varchar(30) NOT NULL,
  score numeric(5,2),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_education (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  institution text NOT NULL,
  degree text,
  field_of_study text,
  start_year integer,
  end_year integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_experience (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  organization_name text NOT NULL,
  role_title text,
  start_date date,
  end_date date,
  description text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_relationships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  related_user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  relationship_type varchar(20) NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_relationships_pair_key UNIQUE (user_id, related_user_id, relationship_type)
);

CREATE TABLE public.user_preferences (
  user_id uuid PRIMARY KEY REFERENCES auth.users(id) ON DELETE CASCADE,
  theme varchar(10) NOT NULL DEFAULT 'system',
  email_digest varchar(10) NOT NULL DEFAULT 'weekly',
  content_languages text[] NOT NULL DEFAULT '{en}'::text[],
  preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_notification_settings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  channel varchar(20) NOT NULL,
  notification_type varchar(50) NOT NULL,
  is_enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_notification_settings_key UNIQUE (user_id, channel, notification_type)
);

CREATE TABLE public.user_social_accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  provider varchar(30) NOT NULL,
  handle text NOT NULL,
  url text,
  follower_count integer,
  verified boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  device_type varchar(20) NOT NULL,
  platform varchar(20),
  push_token text,
  last_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_learning_styles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  style varchar(30) NOT NULL,
  score numeric(5,2),
  assessed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_calling_statements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  statement text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  is_current boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_milestones (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  milestone_type varchar(30) NOT NULL,
  title text NOT NULL,
  description text,
  occurred_on date,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 12. Notifications & Social (5)
-- ===========================================================================

CREATE TABLE public.notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  organization_id uuid REFERENCES public.organizations(id) ON DELETE CASCADE,
  type varchar(50) NOT NULL,
  title text NOT NULL,
  body text,
  link_url text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.comments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  content_item_id uuid REFERENCES public.content_items(id) ON DELETE CASCADE,
  book_id uuid REFERENCES public.books(id) ON DELETE CASCADE,
  video_id uuid REFERENCES public.videos(id) ON DELETE CASCADE,
  parent_comment_id uuid REFERENCES public.comments(id) ON DELETE CASCADE,
  body text NOT NULL,
  is_hidden boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT comments_one_target CHECK (num_nonnulls(content_item_id, book_id, video_id) = 1)
);

CREATE TABLE public.bookmarks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  content_item_id uuid REFERENCES public.content_items(id) ON DELETE CASCADE,
  book_id uuid REFERENCES public.books(id) ON DELETE CASCADE,
  video_id uuid REFERENCES public.videos(id) ON DELETE CASCADE,
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Polymorphic target (target_type, target_id): no foreign key to follow.
CREATE TABLE public.likes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  target_type varchar(30) NOT NULL,
  target_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT likes_user_id_target_key UNIQUE (user_id, target_type, target_id)
);

CREATE TABLE public.follows (
  follower_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  followee_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (follower_id, followee_id),
  CONSTRAINT follows_no_self CHECK (follower_id <> followee_id)
);

-- ===========================================================================
-- 13. Analytics Extensions (2)
-- ===========================================================================

CREATE TABLE public.search_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  query text NOT NULL,
  filters jsonb NOT NULL DEFAULT '{}'::jsonb,
  result_count integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.media_tracking_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  media_item_id uuid REFERENCES public.media_items(id) ON DELETE CASCADE,
  video_id uuid REFERENCES public.videos(id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  session_id varchar(100),
  event_type varchar(30) NOT NULL,
  position_seconds integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- 14. Audience (1)
-- ===========================================================================

CREATE TABLE public.audience_profiles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
  name text NOT NULL,
  segment_type varchar(30),
  description text,
  demographics jsonb NOT NULL DEFAULT '{}'::jsonb,
  psychographics jsonb NOT NULL DEFAULT '{}'::jsonb,
  pain_points text[] NOT NULL DEFAULT '{}'::text[],
  goals text[] NOT NULL DEFAULT '{}'::text[],
  preferred_channels text[] NOT NULL DEFAULT '{}'::text[],
  content_preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
  size_estimate integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ===========================================================================
-- Constraints that need tables from later categories
-- ===========================================================================

ALTER TABLE public.book_purchases
  ADD CONSTRAINT book_purchases_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id) ON DELETE SET NULL;
ALTER TABLE public.content_items
  ADD CONSTRAINT content_items_current_version_id_fkey FOREIGN KEY (current_version_id) REFERENCES public.content_versions(id) ON DELETE SET NULL;
ALTER TABLE public.course_enrollments ADD COLUMN payment_id uuid REFERENCES public.payments(id) ON DELETE SET NULL;

-- ===========================================================================
-- Indexes
-- ===========================================================================

CREATE INDEX voice_baselines_organization_id_idx ON public.voice_baselines (organization_id);
CREATE INDEX user_subscriptions_user_id_idx ON public.user_subscriptions (user_id);
CREATE INDEX user_subscriptions_organization_id_idx ON public.user_subscriptions (organization_id);
CREATE INDEX cohorts_course_id_idx ON public.cohorts (course_id);
CREATE INDEX author_profiles_user_id_idx ON public.author_profiles (user_id);
CREATE INDEX movement_leader_research_organization_id_idx ON public.movement_leader_research (organization_id);
CREATE INDEX organization_invitations_organization_id_idx ON public.organization_invitations (organization_id);
CREATE INDEX content_audits_organization_id_idx ON public.content_audits (organization_id);
CREATE INDEX content_item_tags_tag_id_idx ON public.content_item_tags (tag_id);
CREATE INDEX course_enrollments_user_id_idx ON public.course_enrollments (user_id);
CREATE INDEX course_modules_course_id_idx ON public.course_modules (course_id, sort_order);
CREATE INDEX lesson_completions_enrollment_id_idx ON public.lesson_completions (enrollment_id);
CREATE INDEX book_authors_book_id_idx ON public.book_authors (book_id);
CREATE INDEX book_authors_organization_id_idx ON public.book_authors (organization_id);
CREATE INDEX book_purchases_user_id_idx ON public.book_purchases (user_id);
CREATE INDEX video_watch_history_user_id_idx ON public.video_watch_history (user_id);
CREATE INDEX orders_organization_id_created_at_idx ON public.orders (organization_id, created_at DESC);
CREATE INDEX order_items_order_id_idx ON public.order_items (order_id);
CREATE INDEX agent_metrics_agent_id_period_idx ON public.agent_metrics (agent_id, period_start);
CREATE INDEX notifications_user_id_unread_idx ON public.notifications (user_id, created_at DESC) WHERE read_at IS NULL;
CREATE INDEX comments_content_item_id_idx ON public.comments (content_item_id);
CREATE INDEX audience_profiles_organization_id_idx ON public.audience_profiles (organization_id);

-- ===========================================================================
-- Row level security for the high-priority tables
-- ===========================================================================

ALTER TABLE public.author_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.audience_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.content_audits ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.book_authors ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.voice_baselines ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.movement_leader_research ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Members manage their author profiles" ON public.author_profiles
  FOR ALL TO authenticated
  USING (organization_id IN (SELECT public.user_organization_ids()))
  WITH CHECK (organization_id IN (SELECT public.user_organization_ids()));
CREATE POLICY "Members manage their audience profiles" ON public.audience_profiles
  FOR ALL TO authenticated
  USING (organization_id IN (SELECT public.user_organization_ids()))
  WITH CHECK (organization_id IN (SELECT public.user_organization_ids()));
CREATE POLICY "Members read their content audits" ON public.content_audits
  FOR SELECT TO authenticated
  USING (organization_id IN (SELECT public.user_organization_ids()));
CREATE POLICY "Anyone reads book authors" ON public.book_authors
  FOR SELECT TO anon, authenticated
  USING (true);
CREATE POLICY "Members manage their voice baselines" ON public.voice_baselines
  FOR ALL TO authenticated
  USING (organization_id IN (SELECT public.user_organization_ids()))
  WITH CHECK (organization_id IN (SELECT public.user_organization_ids()));
-- Research rows without an organization are visible to service_role only.
CREATE POLICY "Members read research about their organization" ON public.movement_leader_research
  FOR SELECT TO authenticated
  USING (organization_id IN (SELECT public.user_organization_ids()));

COMMENT ON TABLE public.author_profiles IS 'Rich author intelligence: themes, voice, credentials (high priority).';
COMMENT ON TABLE public.movement_leader_research IS 'Pre-onboarding research on movement leaders; platform-wide, organization_id set once a leader signs up.';
COMMENT ON TABLE public.audience_profiles IS 'Audience segment intelligence per organization.';
COMMENT ON TABLE public.content_audits IS 'Content inventory and gap analysis runs.';
COMMENT ON TABLE public.book_authors IS 'Structured co-author relationships of a book.';
COMMENT ON TABLE public.voice_baselines IS 'AI voice configuration of an organization.';
