-- Every regulated change is audited, and the database proves it: a deferred constraint trigger on
-- each regulated table refuses to commit a transaction that inserted, updated or deleted a row
-- unless the same transaction appended an audit entry for that record (entity type and id). Checked
-- at COMMIT, so the entry may come after the change (the trail appends last, to hold its lock for
-- the shortest time). A forgotten append, or a raw write by someone holding lab_app's credentials,
-- cannot commit; writing an entry anyway needs the server's sealing key to pass verification.
--
-- Arguments: the entity type (or `column:<name>` to read it from the row), the column holding the
-- entity id, and the bookkeeping columns an update may change without being a change of the record
-- (`updated_at`; a TOTP replay counter). An update that changes nothing else needs no entry. New
-- regulated tables add their trigger with `public.require_audit(...)` below; the audit coverage test
-- fails for a table that has neither a trigger nor a stated exemption.
CREATE FUNCTION public.audit_coverage_check() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
DECLARE
  changed jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
  entity text := CASE WHEN TG_ARGV[0] LIKE 'column:%' THEN changed ->> substr(TG_ARGV[0], 8) ELSE TG_ARGV[0] END;
  entity_key text := changed ->> TG_ARGV[1];
  bookkeeping text[] := TG_ARGV[2]::text[];
BEGIN
  IF TG_OP = 'UPDATE' AND to_jsonb(OLD) - bookkeeping = to_jsonb(NEW) - bookkeeping THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM public.audit_entries e
    WHERE e.tx_id = pg_current_xact_id() AND e.entity_type = entity AND e.entity_id = entity_key
  ) THEN
    RAISE EXCEPTION 'audit coverage: % on % (% %) has no audit entry in its transaction',
      TG_OP, TG_TABLE_NAME, entity, entity_key
      USING ERRCODE = 'integrity_constraint_violation',
            HINT = 'append the change''s audit entry in the same transaction';
  END IF;
  RETURN NULL;
END
$$;

-- Adds the coverage trigger to a table (run by migrations, as the owner).
CREATE FUNCTION public.require_audit(
  tbl regclass, entity text, id_column text, bookkeeping text[] DEFAULT '{updated_at,updated_by}'
) RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  EXECUTE format(
    'CREATE CONSTRAINT TRIGGER audit_coverage AFTER INSERT OR UPDATE OR DELETE ON %s '
    'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.audit_coverage_check(%L, %L, %L)',
    tbl, entity, id_column, bookkeeping);
END
$$;
REVOKE ALL ON FUNCTION public.require_audit(regclass, text, text, text[]) FROM PUBLIC;

-- Accounts and access. The TOTP replay counter moves on every accepted code (signatures too) and is
-- bookkeeping; failed-login counters and lockouts are part of the record (the login events audit them).
SELECT public.require_audit('public.users', 'user', 'id', '{updated_at,mfa_last_step}');
SELECT public.require_audit('public.password_history', 'user', 'user_id');
SELECT public.require_audit('public.recovery_codes', 'user', 'user_id');
SELECT public.require_audit('public.roles', 'role', 'id');
SELECT public.require_audit('public.user_roles', 'user', 'user_id');
SELECT public.require_audit('public.signatures', 'column:record_type', 'record_id');

-- Sites and membership.
SELECT public.require_audit('public.organizations', 'organization', 'id');
SELECT public.require_audit('public.labs', 'lab', 'id');
SELECT public.require_audit('public.nodes', 'node', 'id');
SELECT public.require_audit('public.device_hubs', 'device_hub', 'id');
SELECT public.require_audit('public.lab_members', 'user', 'user_id');

-- Samples and their lineage (a link is part of the child's record).
SELECT public.require_audit('public.projects', 'project', 'id');
SELECT public.require_audit('public.batches', 'batch', 'id');
SELECT public.require_audit('public.containers', 'container', 'id');
SELECT public.require_audit('public.samples', 'sample', 'id');
SELECT public.require_audit('public.sample_lineage', 'sample', 'child_id');

-- Inventory (a movement is part of its lot's record).
SELECT public.require_audit('public.inventory_vendors', 'inventory_vendor', 'id');
SELECT public.require_audit('public.inventory_items', 'inventory_item', 'id');
SELECT public.require_audit('public.inventory_lots', 'inventory_lot', 'id');
SELECT public.require_audit('public.inventory_movements', 'inventory_lot', 'lot_id');

-- Instruments and calibration (usage is part of the device's logbook, certificates of their entry).
SELECT public.require_audit('public.devices', 'device', 'id');
SELECT public.require_audit('public.calibration_entries', 'calibration', 'id');
SELECT public.require_audit('public.calibration_certificates', 'calibration', 'calibration_id');
SELECT public.require_audit('public.device_usage', 'device', 'device_id');
