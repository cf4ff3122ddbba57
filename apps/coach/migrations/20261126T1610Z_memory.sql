-- Memory: one row per remembered item (a mood note, a conversation turn, a weekly note): mood notes
-- and weekly notes by triggers in the same transaction as their source, conversation turns by the
-- memory job shortly after; searchable by full-text always and by meaning
-- where pgvector exists (the embedding is filled in by a background job).

ALTER TABLE public.log_embeddings
  ADD COLUMN text_search tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
  ADD COLUMN embedding_model text,
  ADD COLUMN embedding_attempts smallint NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX log_embeddings_source_idx ON public.log_embeddings (log_type, log_id);
-- No GIN index: searches always stay within one user's rows (found through the user_id index),
-- and a GIN index over everyone's memories would only slow every write.
ALTER TABLE public.log_embeddings ADD CONSTRAINT log_embeddings_log_type_check
  CHECK (log_type IN ('mood_log', 'conversation', 'weekly_note'));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    -- Searched exactly within one user's rows (a user has hundreds, not millions), so no ANN index.
    ALTER TABLE public.log_embeddings ADD COLUMN embedding vector(1536);
    CREATE INDEX log_embeddings_pending_idx ON public.log_embeddings (created_at) WHERE embedding IS NULL;
  END IF;
END
$$;

-- Users may forget their own memories.
CREATE POLICY "Users can delete own embeddings" ON public.log_embeddings
  FOR DELETE TO authenticated USING ((SELECT auth.uid()) = user_id);
GRANT DELETE ON public.log_embeddings TO authenticated;

-- The triggers run as the table owner (SECURITY DEFINER, pinned search_path): users write mood logs
-- under RLS but may not write memories directly.
CREATE FUNCTION public.remember_mood_log() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
  IF NEW.notes IS NOT NULL AND btrim(NEW.notes) <> '' THEN
    INSERT INTO public.log_embeddings (user_id, log_type, log_id, text, created_at)
    VALUES (NEW.user_id, 'mood_log', NEW.id,
      format('Mood %s/10, stress %s/10: %s', NEW.mood, NEW.stress, NEW.notes), NEW.logged_at)
    ON CONFLICT (log_type, log_id) DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER mood_logs_remember AFTER INSERT ON public.mood_logs
  FOR EACH ROW EXECUTE FUNCTION public.remember_mood_log();

-- An edited note changes its memory too (and it must be embedded again); a forgotten one stays gone.
CREATE FUNCTION public.rewrite_mood_memory() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
  IF NEW.notes IS NULL OR btrim(NEW.notes) = '' THEN
    DELETE FROM public.log_embeddings WHERE log_type = 'mood_log' AND log_id = NEW.id;
  ELSE
    UPDATE public.log_embeddings
    SET text = format('Mood %s/10, stress %s/10: %s', NEW.mood, NEW.stress, NEW.notes),
        embedding_model = NULL, embedding_attempts = 0
    WHERE log_type = 'mood_log' AND log_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER mood_logs_rewrite_memory AFTER UPDATE OF notes, mood, stress ON public.mood_logs
  FOR EACH ROW EXECUTE FUNCTION public.rewrite_mood_memory();

-- Where vectors exist, a rewritten memory loses its stale vector (the memory job embeds it again).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = 'log_embeddings' AND column_name = 'embedding') THEN
    CREATE FUNCTION public.clear_stale_vector() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, public AS $f$
    BEGIN
      IF NEW.text IS DISTINCT FROM OLD.text THEN
        NEW.embedding := NULL;
      END IF;
      RETURN NEW;
    END
    $f$;
    CREATE TRIGGER log_embeddings_clear_stale_vector BEFORE UPDATE OF text ON public.log_embeddings
      FOR EACH ROW EXECUTE FUNCTION public.clear_stale_vector();
  END IF;
END
$$;

-- Conversation turns are remembered by the memory job (not a trigger): /ask is the hot path. The
-- job marks each turn it has seen, so a memory the user deleted is never written back.
ALTER TABLE public.ai_coach_logs ADD COLUMN remembered_at timestamptz;
CREATE INDEX ai_coach_logs_rememberable_idx ON public.ai_coach_logs ("timestamp") WHERE success AND remembered_at IS NULL;

CREATE FUNCTION public.remember_weekly_note() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
  INSERT INTO public.log_embeddings (user_id, log_type, log_id, text, created_at)
  VALUES (NEW.user_id, 'weekly_note', NEW.id, NEW.note, NEW.created_at)
  ON CONFLICT (log_type, log_id) DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER ai_coach_notes_remember AFTER INSERT ON public.ai_coach_notes
  FOR EACH ROW EXECUTE FUNCTION public.remember_weekly_note();

-- Removing a source removes its memory.
CREATE FUNCTION public.forget_source() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
  DELETE FROM public.log_embeddings WHERE log_type = TG_ARGV[0] AND log_id = OLD.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER mood_logs_forget AFTER DELETE ON public.mood_logs
  FOR EACH ROW EXECUTE FUNCTION public.forget_source('mood_log');
CREATE TRIGGER ai_coach_logs_forget AFTER DELETE ON public.ai_coach_logs
  FOR EACH ROW EXECUTE FUNCTION public.forget_source('conversation');
CREATE TRIGGER ai_coach_notes_forget AFTER DELETE ON public.ai_coach_notes
  FOR EACH ROW EXECUTE FUNCTION public.forget_source('weekly_note');

REVOKE ALL ON FUNCTION public.remember_mood_log(), public.rewrite_mood_memory(), public.remember_weekly_note(),
  public.forget_source() FROM PUBLIC;
