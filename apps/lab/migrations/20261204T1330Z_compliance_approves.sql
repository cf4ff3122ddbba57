-- Defaults a release gives a lab once (issue 10: the compliance role approves workflows by default).
-- They cannot be SQL here: a role is a regulated record, its change must commit with an audit entry
-- in the same transaction (the coverage trigger on roles), and an entry needs the server's seal,
-- which the database never holds. The server applies each default at start instead
-- (accounts/role-defaults.service.ts) and records here that it did, so it is applied once and never
-- again: an operator who later takes the permission away on purpose keeps their choice.
CREATE TABLE public.applied_defaults (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_.-]{1,99}$'),
  applied_at timestamptz NOT NULL DEFAULT now()
);
-- Append-only to the app: a default, once applied, stays applied.
GRANT SELECT, INSERT ON public.applied_defaults TO lab_app;
SELECT public.require_audit('public.applied_defaults', 'applied_default', 'name');

-- The server changes a role's permissions (and their description), audited (the trigger refuses it
-- otherwise). It could already give anyone any role through user_roles: no power it did not have.
GRANT UPDATE (permissions, description) ON public.roles TO lab_app;
