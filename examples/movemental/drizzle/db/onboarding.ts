import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { authUsers } from 'drizzle-orm/supabase';

import { organizations } from './organizations';

export const onboardingStatus = pgEnum('onboarding_status', [
  'not_started',
  'in_progress',
  'submitted',
  'approved',
]);

// The movement leader's onboarding questionnaire, one per leader and
// organization. Declared in Drizzle, not yet pushed to the database.
export const onboardingResponses = pgTable(
  'onboarding_responses',
  {
    id: uuid().defaultRandom().primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    status: onboardingStatus().notNull().default('not_started'),
    currentStep: integer('current_step').notNull().default(1),
    completedSteps: text('completed_steps').array().notNull().default(sql`'{}'::text[]`),

    // About the leader
    fullName: text('full_name').notNull(),
    preferredName: text('preferred_name'),
    email: text().notNull(),
    phone: varchar({ length: 30 }),
    roleTitle: text('role_title'),
    organizationName: text('organization_name'),
    organizationType: varchar('organization_type', { length: 50 }),
    websiteUrl: text('website_url'),
    socialLinks: jsonb('social_links').$type<Record<string, string>>().default({}),
    ministryContext: text('ministry_context'),
    yearsInMinistry: integer('years_in_ministry'),

    // Audience and content
    audienceDescription: text('audience_description'),
    audienceSize: varchar('audience_size', { length: 30 }),
    primaryTopics: text('primary_topics').array(),
    publishedBooks: jsonb('published_books').default([]),
    existingCourses: jsonb('existing_courses').default([]),
    contentVolume: varchar('content_volume', { length: 30 }),
    contentSources: jsonb('content_sources').default([]),

    // Voice
    voiceSamples: jsonb('voice_samples').default([]),
    toneKeywords: text('tone_keywords').array(),
    theologicalTradition: text('theological_tradition'),
    apestProfile: jsonb('apest_profile'),

    // Goals and launch
    goals: text(),
    successMetrics: text('success_metrics'),
    monetizationInterest: boolean('monetization_interest').default(false),
    preferredPlan: varchar('preferred_plan', { length: 50 }),
    launchTimeline: varchar('launch_timeline', { length: 50 }),
    brandColors: jsonb('brand_colors'),
    logoUrl: text('logo_url'),
    additionalNotes: text('additional_notes'),

    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index('onboarding_responses_organization_id_idx').on(t.organizationId),
    index().on(t.userId),
    uniqueIndex('onboarding_responses_organization_id_user_id_key').on(t.organizationId, t.userId),
    index('onboarding_responses_submitted_idx')
      .on(t.submittedAt.desc())
      .where(sql`${t.status} = 'submitted'`),
  ],
);

export type OnboardingResponse = typeof onboardingResponses.$inferSelect;
