/**
 * The tables the coach's migrations put under row-level security (ENABLED and FORCED): each holds
 * one user's records. A test checks this list against a freshly migrated database.
 */
export const coachRlsTables: readonly string[] = [
  'ai_coach_logs',
  'ai_coach_notes',
  // Added by 20261205T1240Z_budgets (issue 14).
  'coach_budget_reservations',
  'coach_budget_usage',
  'coach_budgets',
  'coach_notifications',
  'coach_reviews',
  'job_runs',
  'log_embeddings',
  // Added by 20261205T1200Z_push_usage_budget_foundation (issue 14).
  'model_prices',
  'mood_logs',
  // Added by 20261205T1210Z_push_tokens_and_deliveries (issue 14).
  'push_deliveries',
  'push_tokens',
  // Added by 20261205T0200Z_operator_alerts (issue 12's alert work).
  'operator_alerts',
  // Added by 20261205T1230Z_usage_rollups (issue 14).
  'usage_hourly',
  'usage_rollup_state',
  'usage_user_totals',
  'user_profiles',
  // Added by 20261205T1220Z_local_time_schedule (issue 14).
  'schedule_zone_marks',
  'user_schedule_marks',
].map((table) => `public.${table}`);
