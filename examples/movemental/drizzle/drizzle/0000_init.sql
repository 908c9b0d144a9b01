CREATE TYPE "public"."onboarding_status" AS ENUM('not_started', 'in_progress', 'submitted', 'approved');--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"slug" varchar(255) NOT NULL,
	"logo_url" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "organizations_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "onboarding_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" "onboarding_status" DEFAULT 'not_started' NOT NULL,
	"current_step" integer DEFAULT 1 NOT NULL,
	"completed_steps" text[] DEFAULT '{}'::text[] NOT NULL,
	"full_name" text NOT NULL,
	"preferred_name" text,
	"email" text NOT NULL,
	"phone" varchar(30),
	"role_title" text,
	"organization_name" text,
	"organization_type" varchar(50),
	"website_url" text,
	"social_links" jsonb DEFAULT '{}'::jsonb,
	"ministry_context" text,
	"years_in_ministry" integer,
	"audience_description" text,
	"audience_size" varchar(30),
	"primary_topics" text[],
	"published_books" jsonb DEFAULT '[]'::jsonb,
	"existing_courses" jsonb DEFAULT '[]'::jsonb,
	"content_volume" varchar(30),
	"content_sources" jsonb DEFAULT '[]'::jsonb,
	"voice_samples" jsonb DEFAULT '[]'::jsonb,
	"tone_keywords" text[],
	"theological_tradition" text,
	"apest_profile" jsonb,
	"goals" text,
	"success_metrics" text,
	"monetization_interest" boolean DEFAULT false,
	"preferred_plan" varchar(50),
	"launch_timeline" varchar(50),
	"brand_colors" jsonb,
	"logo_url" text,
	"additional_notes" text,
	"submitted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "onboarding_responses" ADD CONSTRAINT "onboarding_responses_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "onboarding_responses" ADD CONSTRAINT "onboarding_responses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "onboarding_responses_organization_id_idx" ON "onboarding_responses" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "onboarding_responses_user_id_index" ON "onboarding_responses" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "onboarding_responses_organization_id_user_id_key" ON "onboarding_responses" USING btree ("organization_id","user_id");--> statement-breakpoint
CREATE INDEX "onboarding_responses_submitted_idx" ON "onboarding_responses" USING btree ("submitted_at" DESC NULLS LAST) WHERE "onboarding_responses"."status" = 'submitted';