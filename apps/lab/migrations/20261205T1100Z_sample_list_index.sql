-- One newest-first index per lab for sample lists instead of two. samples_list_idx (partial:
-- deleted_at IS NULL) and samples_with_deleted_list_idx (every row) had the same keys (lab_id,
-- created_at DESC, id DESC); the full one serves both the default list and include_deleted=true.
-- The default list reads it with `deleted_at IS NULL` as a filter on the row it fetches anyway
-- (soft-deleted samples are rare: 1 % in the bench's million), and every insert and update of a
-- sample keeps one index fewer up to date (~100 MB at a million samples). The other list indexes
-- stay: each is the ordered path of one filter (status, project, batch, container, type, the
-- business-id prefix), and a filter matching few rows would otherwise walk the whole lab.
DROP INDEX public.samples_list_idx;
