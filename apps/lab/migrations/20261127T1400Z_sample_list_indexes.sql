-- Sample lists that include soft-deleted rows (include_deleted=true). The list indexes of the
-- samples migration are partial (deleted_at IS NULL), so such a list had no index in created_at
-- order and sorted the whole lab: ~1 s at a million samples. This one covers every row; the
-- default lists keep using the smaller partial index. (The list query itself walks lab by lab so
-- the per-lab indexes give their order under row-level security: see listSamples.)
CREATE INDEX samples_with_deleted_list_idx ON public.samples (lab_id, created_at DESC, id DESC);
