/**
 * The tables the coach's migrations put under row-level security (ENABLED and FORCED), in
 * alphabetical order. Some hold one user's records that policies let that user reach (profiles,
 * logs, notes, notifications, push tokens…); the rest have no policy for users, so only the service
 * role reaches them (job runs, operator alerts, model prices, budgets, usage rollups, push
 * deliveries…). A test checks this list against a freshly migrated database.
 */
export const coachRlsTables: readonly string[] = [
  'ai_coach_logs',
  'ai_coach_notes',
  'coach_budget_reservations',
  'coach_budget_usage',
  'coach_budgets',
  'coach_notifications',
  'coach_reviews',
  'job_runs',
  'log_embeddings',
  'model_prices',
  'mood_logs',
  'operator_alerts',
  'push_deliveries',
  'push_tokens',
  'schedule_zone_marks',
  'usage_hourly',
  'usage_rollup_state',
  'usage_user_totals',
  'user_profiles',
  'user_schedule_marks',
].map((table) => `public.${table}`);
