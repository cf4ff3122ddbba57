-- Row-level security on every user table, enabled AND forced, with the deployment guide's policies.
-- Policies call (select auth.uid()) so PostgreSQL evaluates it once per statement, not per row.

ALTER TABLE public.ai_coach_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ai_coach_logs FORCE ROW LEVEL SECURITY;
ALTER TABLE public.ai_coach_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ai_coach_notes FORCE ROW LEVEL SECURITY;
ALTER TABLE public.coach_notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.coach_notifications FORCE ROW LEVEL SECURITY;
ALTER TABLE public.log_embeddings ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.log_embeddings FORCE ROW LEVEL SECURITY;
ALTER TABLE public.mood_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.mood_logs FORCE ROW LEVEL SECURITY;
ALTER TABLE public.user_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_profiles FORCE ROW LEVEL SECURITY;

-- ai_coach_logs
CREATE POLICY "Users can view own logs" ON public.ai_coach_logs
  FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY "Service role can insert logs" ON public.ai_coach_logs
  FOR INSERT TO service_role WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY "Service role can view all logs" ON public.ai_coach_logs
  FOR SELECT TO service_role USING ((SELECT auth.role()) = 'service_role');

-- ai_coach_notes
CREATE POLICY "Users can view own notes" ON public.ai_coach_notes
  FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY "Service role can insert notes" ON public.ai_coach_notes
  FOR INSERT TO service_role WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY "Service role can view all notes" ON public.ai_coach_notes
  FOR SELECT TO service_role USING ((SELECT auth.role()) = 'service_role');

-- coach_notifications: users may update their own rows, and column privileges limit that to `read`.
CREATE POLICY "Users can view own notifications" ON public.coach_notifications
  FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY "Users can update own notifications" ON public.coach_notifications
  FOR UPDATE TO authenticated USING ((SELECT auth.uid()) = user_id) WITH CHECK ((SELECT auth.uid()) = user_id);
CREATE POLICY "Service role can insert notifications" ON public.coach_notifications
  FOR INSERT TO service_role WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY "Service role can view all notifications" ON public.coach_notifications
  FOR SELECT TO service_role USING ((SELECT auth.role()) = 'service_role');

-- log_embeddings
CREATE POLICY "Users can view own embeddings" ON public.log_embeddings
  FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY "Service role can insert embeddings" ON public.log_embeddings
  FOR INSERT TO service_role WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY "Service role can view all embeddings" ON public.log_embeddings
  FOR SELECT TO service_role USING ((SELECT auth.role()) = 'service_role');

-- mood_logs and user_profiles: the user's own data, which they write themselves.
CREATE POLICY "Users manage own mood logs" ON public.mood_logs
  FOR ALL TO authenticated USING ((SELECT auth.uid()) = user_id) WITH CHECK ((SELECT auth.uid()) = user_id);
CREATE POLICY "Users manage own profile" ON public.user_profiles
  FOR ALL TO authenticated USING ((SELECT auth.uid()) = user_id) WITH CHECK ((SELECT auth.uid()) = user_id);

-- Privileges: least privilege per role; anon gets nothing.
GRANT SELECT ON public.ai_coach_logs, public.ai_coach_notes, public.coach_notifications, public.log_embeddings
  TO authenticated;
GRANT UPDATE (read) ON public.coach_notifications TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.mood_logs TO authenticated;
GRANT SELECT, INSERT, UPDATE ON public.user_profiles TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  public.ai_coach_logs, public.ai_coach_notes, public.coach_notifications, public.log_embeddings,
  public.mood_logs, public.user_profiles
  TO service_role;
