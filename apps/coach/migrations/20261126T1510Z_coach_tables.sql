-- The coach's tables, keeping the deployment guide's names and columns so its monitoring SQL runs
-- unchanged. Cheap invariants (ranges, allowed values, lengths) are CHECK constraints.

CREATE TABLE public.user_profiles (
  user_id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  display_name text CHECK (char_length(display_name) <= 100),
  timezone text NOT NULL DEFAULT 'Europe/London' CHECK (char_length(timezone) <= 64),
  goals text[] NOT NULL DEFAULT '{}',
  coaching_tone text NOT NULL DEFAULT 'balanced'
    CHECK (coaching_tone IN ('gentle', 'direct', 'cheerleader', 'brief', 'balanced')),
  injuries text[] NOT NULL DEFAULT '{}',
  conditions text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.ai_coach_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  session_id text NOT NULL CHECK (char_length(session_id) BETWEEN 1 AND 128),
  user_message text NOT NULL,
  ai_response text NOT NULL,
  success boolean NOT NULL DEFAULT true,
  token_usage integer CHECK (token_usage >= 0),
  issues text[],
  "timestamp" timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  model text,
  prompt_tokens integer CHECK (prompt_tokens >= 0),
  completion_tokens integer CHECK (completion_tokens >= 0),
  latency_ms integer CHECK (latency_ms >= 0),
  fallback_reason text CHECK (fallback_reason IN (
    'timeout', 'rate_limited', 'upstream_error', 'not_configured',
    'client_disconnected', 'safety_blocked', 'crisis_detected'
  )),
  topic text CHECK (char_length(topic) <= 64),
  -- What the model said when the validator replaced it: kept for review, never shown to the user.
  blocked_response text
);
CREATE INDEX ai_coach_logs_user_id_timestamp_idx ON public.ai_coach_logs (user_id, "timestamp" DESC);
CREATE INDEX ai_coach_logs_timestamp_idx ON public.ai_coach_logs ("timestamp" DESC);
CREATE INDEX ai_coach_logs_session_id_idx ON public.ai_coach_logs (session_id);

CREATE TABLE public.ai_coach_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  note text NOT NULL,
  type text NOT NULL CHECK (type IN ('weekly_summary')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_coach_notes_user_id_created_at_idx ON public.ai_coach_notes (user_id, created_at DESC);
CREATE INDEX ai_coach_notes_type_idx ON public.ai_coach_notes (type);

CREATE TABLE public.coach_notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  message text NOT NULL,
  type text NOT NULL CHECK (type IN ('ai_coach_proactive', 'nudge', 'reminder', 'achievement')),
  read boolean NOT NULL DEFAULT false,
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  delivery_channel text NOT NULL DEFAULT 'in-app' CHECK (delivery_channel IN ('in-app', 'push', 'email', 'sms')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coach_notifications_user_id_created_at_idx ON public.coach_notifications (user_id, created_at DESC);
CREATE INDEX coach_notifications_unread_idx ON public.coach_notifications (user_id) WHERE NOT read;

-- The vector column and its index are added by the memory migration where pgvector exists.
CREATE TABLE public.log_embeddings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  log_type text NOT NULL,
  log_id uuid NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX log_embeddings_user_id_created_at_idx ON public.log_embeddings (user_id, created_at DESC);

CREATE TABLE public.mood_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  mood smallint NOT NULL CHECK (mood BETWEEN 1 AND 10),
  stress smallint NOT NULL CHECK (stress BETWEEN 1 AND 10),
  notes text CHECK (char_length(notes) <= 2000),
  logged_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mood_logs_user_id_logged_at_idx ON public.mood_logs (user_id, logged_at DESC);
