-- Samples and what organises them: projects, batches, containers (with location), samples with a
-- business id unique within their lab, a validated status lifecycle, quantity with unit, free
-- metadata, soft delete, and lineage (aliquot, derivative, pool). Every row belongs to one lab and
-- row-level security limits the runtime role to the caller's labs (see the sites migration).

CREATE TABLE public.projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'archived')),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, code),
  UNIQUE (lab_id, id)
);

CREATE TABLE public.batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  project_id uuid,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released', 'rejected')),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, code),
  UNIQUE (lab_id, id),
  -- A batch's project is in the same lab (composite key: no cross-lab references).
  FOREIGN KEY (lab_id, project_id) REFERENCES public.projects (lab_id, id)
);

CREATE TABLE public.containers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  container_type text NOT NULL CHECK (char_length(container_type) BETWEEN 1 AND 100),
  location text NOT NULL DEFAULT '' CHECK (char_length(location) <= 200),
  capacity integer CHECK (capacity > 0),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, code),
  UNIQUE (lab_id, id)
);

CREATE TABLE public.samples (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  sample_id text NOT NULL CHECK (sample_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  sample_type text NOT NULL CHECK (char_length(sample_type) BETWEEN 1 AND 100),
  status text NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'in_storage', 'in_process', 'consumed', 'disposed')),
  quantity numeric(20, 6) NOT NULL CHECK (quantity >= 0),
  unit text NOT NULL CHECK (char_length(unit) BETWEEN 1 AND 20),
  container_id uuid,
  project_id uuid,
  batch_id uuid,
  -- The workflow execution the sample is assigned to (workflows arrive in a later issue).
  workflow_execution_id uuid,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES public.users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  deleted_by uuid REFERENCES public.users (id),
  UNIQUE (lab_id, sample_id),
  UNIQUE (lab_id, id),
  FOREIGN KEY (lab_id, container_id) REFERENCES public.containers (lab_id, id),
  FOREIGN KEY (lab_id, project_id) REFERENCES public.projects (lab_id, id),
  FOREIGN KEY (lab_id, batch_id) REFERENCES public.batches (lab_id, id),
  CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);
-- Keyset lists, newest first, per lab and per common filter (partial: deleted rows are hidden by default).
CREATE INDEX samples_list_idx ON public.samples (lab_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX samples_status_idx ON public.samples (lab_id, status, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX samples_project_idx ON public.samples (project_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX samples_batch_idx ON public.samples (batch_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX samples_container_idx ON public.samples (container_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX samples_type_idx ON public.samples (lab_id, sample_type, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX samples_business_id_prefix_idx ON public.samples (lab_id, sample_id text_pattern_ops);

CREATE TABLE public.sample_lineage (
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  parent_id uuid NOT NULL,
  child_id uuid NOT NULL,
  relation text NOT NULL CHECK (relation IN ('aliquot', 'derivative', 'pool')),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (parent_id, child_id),
  CHECK (parent_id <> child_id),
  FOREIGN KEY (lab_id, parent_id) REFERENCES public.samples (lab_id, id),
  FOREIGN KEY (lab_id, child_id) REFERENCES public.samples (lab_id, id)
);
CREATE INDEX sample_lineage_child_idx ON public.sample_lineage (child_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['projects', 'batches', 'containers', 'samples', 'sample_lineage'] LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY lab_scope ON public.%I USING (lab_id = ANY (public.app_lab_ids()))
                    WITH CHECK (lab_id = ANY (public.app_lab_ids()))', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON public.projects, public.batches, public.containers, public.samples TO lab_app;
GRANT SELECT, INSERT ON public.sample_lineage TO lab_app;
