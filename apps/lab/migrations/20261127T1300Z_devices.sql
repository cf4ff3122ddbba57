-- Instruments and calibration: devices (business id unique per lab, optional hub of the same lab,
-- calibration interval) with their status (in/out of service, health score, the calibration that
-- governs them), append-only calibration entries, versioned certificate files (content-checked,
-- stored under server-made names with their SHA-256), and an append-only usage logbook. Every row
-- belongs to one lab; composite keys keep references inside it and row-level security limits the
-- runtime role to the caller's labs (see the sites migration).

-- A hub is referenced together with its lab, so a device can only sit on a hub of its own lab.
ALTER TABLE public.device_hubs ADD CONSTRAINT device_hubs_lab_id_id_key UNIQUE (lab_id, id);

CREATE TABLE public.devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  device_id text NOT NULL CHECK (device_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  vendor text NOT NULL DEFAULT '' CHECK (char_length(vendor) <= 200),
  model text NOT NULL DEFAULT '' CHECK (char_length(model) <= 200),
  serial_number text NOT NULL DEFAULT '' CHECK (char_length(serial_number) <= 200),
  device_type text NOT NULL CHECK (char_length(device_type) BETWEEN 1 AND 100),
  hub_id uuid,
  calibration_interval_days integer NOT NULL CHECK (calibration_interval_days BETWEEN 1 AND 3650),
  in_service boolean NOT NULL DEFAULT true,
  health_score double precision CHECK (health_score BETWEEN 0 AND 1),
  -- The calibration that governs the status: the one performed last (never a back-dated one).
  last_calibration_id uuid,
  last_calibrated_at timestamptz,
  last_calibration_result text CHECK (last_calibration_result IN ('pass', 'fail')),
  next_calibration_due timestamptz,
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES public.users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, device_id),
  UNIQUE (lab_id, id),
  FOREIGN KEY (lab_id, hub_id) REFERENCES public.device_hubs (lab_id, id),
  -- The status fields move together: all set by a calibration, or none yet.
  CHECK ((last_calibration_id IS NULL) = (last_calibrated_at IS NULL)
     AND (last_calibration_id IS NULL) = (last_calibration_result IS NULL)),
  -- A failed calibration leaves nothing "due later": the device needs calibrating now.
  CHECK (coalesce(last_calibration_result = 'pass', false) = (next_calibration_due IS NOT NULL)),
  CHECK (next_calibration_due > last_calibrated_at)
);
CREATE INDEX devices_list_idx ON public.devices (lab_id, created_at DESC, id DESC);
CREATE INDEX devices_hub_idx ON public.devices (hub_id);
CREATE INDEX devices_due_idx ON public.devices (lab_id, next_calibration_due);
CREATE INDEX devices_business_id_prefix_idx ON public.devices (lab_id, device_id text_pattern_ops);

CREATE TABLE public.calibration_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  device_id uuid NOT NULL,
  performed_by uuid NOT NULL REFERENCES public.users (id),
  performed_at timestamptz NOT NULL,
  result text NOT NULL CHECK (result IN ('pass', 'fail')),
  next_due_at timestamptz,
  next_due_computed boolean NOT NULL,
  notes text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 5000),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, id),
  FOREIGN KEY (lab_id, device_id) REFERENCES public.devices (lab_id, id),
  CHECK ((result = 'pass') = (next_due_at IS NOT NULL)),
  CHECK (next_due_at > performed_at)
);
CREATE INDEX calibration_entries_device_idx ON public.calibration_entries (device_id, performed_at DESC, id DESC);
CREATE INDEX calibration_entries_list_idx ON public.calibration_entries (lab_id, performed_at DESC, id DESC);

ALTER TABLE public.devices ADD FOREIGN KEY (lab_id, last_calibration_id)
  REFERENCES public.calibration_entries (lab_id, id);

-- Certificate files: every upload is a new version (nothing is overwritten). The file lives at
-- <data dir>/certificates/<storage_name>; the name is made by the server and, by this CHECK, can
-- never hold a path component. The client's file name is kept as text for people, never as a path.
CREATE TABLE public.calibration_certificates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  calibration_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  storage_name text NOT NULL UNIQUE
    CHECK (storage_name ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(pdf|png|jpg)$'),
  media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  client_filename text NOT NULL DEFAULT '' CHECK (char_length(client_filename) <= 255),
  uploaded_by uuid NOT NULL REFERENCES public.users (id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (calibration_id, version),
  FOREIGN KEY (lab_id, calibration_id) REFERENCES public.calibration_entries (lab_id, id)
);

-- Who used which device, when and for what: written only after the device was found usable.
CREATE TABLE public.device_usage (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  device_id uuid NOT NULL,
  used_by uuid NOT NULL REFERENCES public.users (id),
  used_at timestamptz NOT NULL,
  purpose text NOT NULL CHECK (char_length(purpose) BETWEEN 1 AND 500),
  sample_id uuid,
  run_ref text CHECK (char_length(run_ref) BETWEEN 1 AND 200),
  FOREIGN KEY (lab_id, device_id) REFERENCES public.devices (lab_id, id),
  FOREIGN KEY (lab_id, sample_id) REFERENCES public.samples (lab_id, id)
);
CREATE INDEX device_usage_device_idx ON public.device_usage (device_id, used_at DESC, id DESC);
CREATE INDEX device_usage_sample_idx ON public.device_usage (sample_id) WHERE sample_id IS NOT NULL;

CREATE FUNCTION public.device_records_append_only() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['devices', 'calibration_entries', 'calibration_certificates', 'device_usage'] LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY lab_scope ON public.%I USING (lab_id = ANY (public.app_lab_ids()))
                    WITH CHECK (lab_id = ANY (public.app_lab_ids()))', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['calibration_entries', 'calibration_certificates', 'device_usage'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON public.%I
                    FOR EACH ROW EXECUTE FUNCTION public.device_records_append_only()', t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON public.%I
                    FOR EACH STATEMENT EXECUTE FUNCTION public.device_records_append_only()', t || '_no_truncate', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON public.devices TO lab_app;
GRANT SELECT, INSERT ON public.calibration_entries, public.calibration_certificates, public.device_usage TO lab_app;
