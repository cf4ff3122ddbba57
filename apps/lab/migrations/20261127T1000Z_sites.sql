-- Sites: organizations, labs, lab computers (nodes) and instrument gateways (device hubs), and lab
-- membership. Every lab-owned record carries lab_id; row-level security limits the runtime role to
-- the labs listed in the transaction-local setting app.lab_ids (the signed-in user's memberships),
-- so a missed filter in application code still cannot leak another lab's rows.

CREATE TABLE public.organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.labs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations (id),
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX labs_organization_idx ON public.labs (organization_id);

CREATE TABLE public.nodes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  hostname text NOT NULL CHECK (char_length(hostname) BETWEEN 1 AND 253),
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, hostname)
);

CREATE TABLE public.device_hubs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  node_id uuid REFERENCES public.nodes (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, name)
);
CREATE INDEX device_hubs_node_idx ON public.device_hubs (node_id);

CREATE TABLE public.lab_members (
  user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  lab_id uuid NOT NULL REFERENCES public.labs (id) ON DELETE CASCADE,
  added_by uuid REFERENCES public.users (id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, lab_id)
);
CREATE INDEX lab_members_lab_idx ON public.lab_members (lab_id);

-- The default organization and lab, created with the database (fixed ids so code can name them).
INSERT INTO public.organizations (id, name)
VALUES ('00000000-0000-4000-8000-000000000001', 'Default organization') ON CONFLICT DO NOTHING;
INSERT INTO public.labs (id, organization_id, code, name)
VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'MAIN', 'Main lab')
ON CONFLICT DO NOTHING;
-- Accounts that exist already belong to the default lab.
INSERT INTO public.lab_members (user_id, lab_id)
SELECT id, '00000000-0000-4000-8000-000000000001' FROM public.users ON CONFLICT DO NOTHING;

-- The labs this transaction may see: set per request from the user's memberships. Deliberately
-- without a SET clause so the planner inlines it (a plain stable expression: policies stay
-- indexable instead of calling a function per row); every name in it is schema-qualified.
CREATE FUNCTION public.app_lab_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('app.lab_ids', true), '')::pg_catalog.uuid[], '{}'::pg_catalog.uuid[])
$$;

ALTER TABLE public.nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.nodes FORCE ROW LEVEL SECURITY;
CREATE POLICY lab_scope ON public.nodes USING (lab_id = ANY (public.app_lab_ids()))
  WITH CHECK (lab_id = ANY (public.app_lab_ids()));
ALTER TABLE public.device_hubs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.device_hubs FORCE ROW LEVEL SECURITY;
CREATE POLICY lab_scope ON public.device_hubs USING (lab_id = ANY (public.app_lab_ids()))
  WITH CHECK (lab_id = ANY (public.app_lab_ids()));

GRANT SELECT ON public.organizations, public.labs TO lab_app;
GRANT INSERT, UPDATE ON public.organizations, public.labs TO lab_app;
GRANT SELECT, INSERT, UPDATE ON public.nodes, public.device_hubs TO lab_app;
GRANT SELECT, INSERT, DELETE ON public.lab_members TO lab_app;
GRANT EXECUTE ON FUNCTION public.app_lab_ids() TO lab_app;
