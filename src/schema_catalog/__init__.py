"""schema-catalog: a searchable documentation site from a Supabase/PostgreSQL + Drizzle schema."""

__version__ = "0.1.0"
