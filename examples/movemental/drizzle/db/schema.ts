// Layer 1 of the type-safety chain: the tables declared in Drizzle.
// Only two so far; most live tables were created directly in Supabase.
export * from './organizations';
export * from './onboarding';
