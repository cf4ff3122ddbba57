-- The weekly digest's model calls are logged like /ask's (issue 14): priced by the insert trigger,
-- counted in /admin/usage, per user and per model, and charged to budgets. `source` tells them
-- apart: a user's conversation (history, the digest's own reading of the week, memory) is only ever
-- made of 'ask' rows. The constant default fills existing rows without rewriting the table; the
-- check reads it once.
ALTER TABLE public.ai_coach_logs
  ADD COLUMN source text NOT NULL DEFAULT 'ask' CONSTRAINT ai_coach_logs_source_check CHECK (source IN ('ask', 'digest'));
