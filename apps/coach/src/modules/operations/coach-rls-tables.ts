/**
 * The tables the coach's migrations put under row-level security (ENABLED and FORCED): each holds
 * one user's records. A test checks this list against a freshly migrated database.
 */
export const coachRlsTables: readonly string[] = [
  'ai_coach_logs',
  'ai_coach_notes',
  'coach_notifications',
  'coach_reviews',
  'job_runs',
  'log_embeddings',
  // Added by 20261205T1200Z_push_usage_budget_foundation (issue 14).
  'model_prices',
  'mood_logs',
  // Added by 20261205T0200Z_operator_alerts (issue 12's alert work).
  'operator_alerts',
  'user_profiles',
].map((table) => `public.${table}`);
