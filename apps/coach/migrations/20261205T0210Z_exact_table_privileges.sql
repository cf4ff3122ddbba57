-- Exactly the privileges the migrations grant, whatever the database adds by default. A Supabase
-- project's `postgres` has default privileges that give anon, authenticated and service_role ALL on
-- every table and function it creates in `public` (TRUNCATE included, which row-level security does
-- not stop, and every column of coach_notifications where users may only update `read`); and the
-- migration record is readable and writable through Supabase's Data API. Elsewhere this changes
-- nothing.
REVOKE ALL ON
  public.user_profiles, public.ai_coach_logs, public.ai_coach_notes, public.coach_notifications,
  public.log_embeddings, public.mood_logs, public.job_runs, public.coach_reviews, public.operator_alerts,
  public.schema_migrations
  FROM anon, authenticated, service_role;

GRANT SELECT ON public.ai_coach_logs, public.ai_coach_notes, public.coach_notifications, public.log_embeddings
  TO authenticated;
GRANT UPDATE (read) ON public.coach_notifications TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.mood_logs TO authenticated;
GRANT SELECT, INSERT, UPDATE ON public.user_profiles TO authenticated;
GRANT DELETE ON public.log_embeddings TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.ai_coach_logs, public.ai_coach_notes, public.coach_notifications, public.log_embeddings,
  public.mood_logs, public.user_profiles, public.coach_reviews
  TO service_role;
GRANT SELECT, INSERT, UPDATE ON public.job_runs, public.operator_alerts TO service_role;

-- The trigger functions are the owner's alone (SECURITY DEFINER); no role calls them directly.
DO $$
DECLARE
  fn regprocedure;
BEGIN
  FOR fn IN
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
      AND p.proname IN ('set_nudge_window', 'remember_mood_log', 'rewrite_mood_memory',
                        'remember_weekly_note', 'forget_source', 'clear_stale_vector')
  LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC, anon, authenticated, service_role', fn);
  END LOOP;
END
$$;
