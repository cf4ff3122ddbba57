-- Inventory: vendors, items (code unique per lab, reorder point, minimum stock, a maintained current
-- stock), stock lots (lot number unique per item, fractional quantities, expiry, status), an
-- append-only movement ledger (every receipt and consumption: who, when, why, signed quantity,
-- balances after, the sample or run it was for) and recorded alerts. Every row belongs to one lab;
-- composite (lab_id, id) keys keep references inside it and row-level security limits the runtime
-- role to the caller's labs (see the sites migration).

CREATE TABLE public.inventory_vendors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  contact_info jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(contact_info) = 'object'),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, code),
  UNIQUE (lab_id, id)
);
CREATE INDEX inventory_vendors_list_idx ON public.inventory_vendors (lab_id, created_at DESC, id DESC);

CREATE TABLE public.inventory_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  category text NOT NULL CHECK (char_length(category) BETWEEN 1 AND 100),
  unit text NOT NULL CHECK (char_length(unit) BETWEEN 1 AND 20),
  location text NOT NULL DEFAULT '' CHECK (char_length(location) <= 200),
  reorder_point numeric(20, 6) NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
  min_stock numeric(20, 6) NOT NULL DEFAULT 0 CHECK (min_stock >= 0),
  -- Maintained by receipts and consumptions only (never set by a client): the sum of its lots'
  -- remaining quantities, which is also the sum of its ledger.
  current_stock numeric(20, 6) NOT NULL DEFAULT 0 CHECK (current_stock >= 0),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (lab_id, code),
  UNIQUE (lab_id, id),
  CHECK (min_stock <= reorder_point)
);
CREATE INDEX inventory_items_list_idx ON public.inventory_items (lab_id, created_at DESC, id DESC);
CREATE INDEX inventory_items_category_idx ON public.inventory_items (lab_id, category, created_at DESC, id DESC);
CREATE INDEX inventory_items_code_prefix_idx ON public.inventory_items (lab_id, code text_pattern_ops);

CREATE TABLE public.inventory_lots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  item_id uuid NOT NULL,
  vendor_id uuid,
  lot_number text NOT NULL CHECK (lot_number ~ '^[A-Za-z0-9][A-Za-z0-9./_-]{0,99}$'),
  quantity_received numeric(20, 6) NOT NULL CHECK (quantity_received > 0),
  quantity_remaining numeric(20, 6) NOT NULL CHECK (quantity_remaining >= 0),
  expiry_date date,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'quarantined', 'depleted', 'expired')),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (item_id, lot_number),
  UNIQUE (lab_id, id),
  FOREIGN KEY (lab_id, item_id) REFERENCES public.inventory_items (lab_id, id),
  FOREIGN KEY (lab_id, vendor_id) REFERENCES public.inventory_vendors (lab_id, id),
  CHECK (quantity_remaining <= quantity_received),
  CHECK ((status = 'depleted') = (quantity_remaining = 0) OR status IN ('quarantined', 'expired'))
);
CREATE INDEX inventory_lots_list_idx ON public.inventory_lots (lab_id, created_at DESC, id DESC);
CREATE INDEX inventory_lots_item_idx ON public.inventory_lots (item_id, created_at DESC, id DESC);
CREATE INDEX inventory_lots_vendor_idx ON public.inventory_lots (vendor_id);
CREATE INDEX inventory_lots_expiry_idx ON public.inventory_lots (lab_id, expiry_date)
  WHERE quantity_remaining > 0 AND expiry_date IS NOT NULL;

-- The ledger: one row per movement, never changed (SELECT and INSERT only, plus a trigger that
-- refuses UPDATE, DELETE and TRUNCATE even to the owner). Per lot and per item the signed
-- quantities sum to the remaining and current stock.
CREATE TABLE public.inventory_movements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  item_id uuid NOT NULL,
  lot_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('receive', 'consume')),
  quantity numeric(20, 6) NOT NULL,
  lot_balance_after numeric(20, 6) NOT NULL CHECK (lot_balance_after >= 0),
  item_balance_after numeric(20, 6) NOT NULL CHECK (item_balance_after >= 0),
  reason text CHECK (char_length(reason) BETWEEN 1 AND 1000),
  sample_id uuid,
  run_ref text CHECK (char_length(run_ref) BETWEEN 1 AND 200),
  actor_id uuid NOT NULL REFERENCES public.users (id),
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (lab_id, id),
  FOREIGN KEY (lab_id, item_id) REFERENCES public.inventory_items (lab_id, id),
  FOREIGN KEY (lab_id, lot_id) REFERENCES public.inventory_lots (lab_id, id),
  FOREIGN KEY (lab_id, sample_id) REFERENCES public.samples (lab_id, id),
  CHECK ((kind = 'receive' AND quantity > 0) OR (kind = 'consume' AND quantity < 0))
);
CREATE INDEX inventory_movements_list_idx ON public.inventory_movements (lab_id, occurred_at DESC, id DESC);
CREATE INDEX inventory_movements_lot_idx ON public.inventory_movements (lot_id, occurred_at DESC, id DESC);
CREATE INDEX inventory_movements_item_idx ON public.inventory_movements (item_id, occurred_at DESC, id DESC);
CREATE INDEX inventory_movements_sample_idx ON public.inventory_movements (sample_id) WHERE sample_id IS NOT NULL;

CREATE TRIGGER inventory_movements_no_update BEFORE UPDATE OR DELETE ON public.inventory_movements
  FOR EACH ROW EXECUTE FUNCTION public.audit_entries_append_only();
CREATE TRIGGER inventory_movements_no_truncate BEFORE TRUNCATE ON public.inventory_movements
  FOR EACH STATEMENT EXECUTE FUNCTION public.audit_entries_append_only();

-- Alerts the daily job recorded: one open row per condition (the partial unique index makes the
-- job idempotent), closed with resolved_at when the condition clears. The subject is the item
-- (low_stock) or the lot (expiring, expired).
CREATE TABLE public.inventory_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lab_id uuid NOT NULL REFERENCES public.labs (id),
  kind text NOT NULL CHECK (kind IN ('low_stock', 'expiring', 'expired')),
  item_id uuid NOT NULL,
  lot_id uuid,
  subject_id uuid NOT NULL GENERATED ALWAYS AS (coalesce(lot_id, item_id)) STORED,
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  opened_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  UNIQUE (lab_id, id),
  FOREIGN KEY (lab_id, item_id) REFERENCES public.inventory_items (lab_id, id),
  FOREIGN KEY (lab_id, lot_id) REFERENCES public.inventory_lots (lab_id, id),
  CHECK ((kind = 'low_stock') = (lot_id IS NULL)),
  CHECK (resolved_at IS NULL OR resolved_at >= opened_at)
);
CREATE UNIQUE INDEX inventory_alerts_open_idx
  ON public.inventory_alerts (kind, subject_id) WHERE resolved_at IS NULL;
CREATE INDEX inventory_alerts_list_idx ON public.inventory_alerts (lab_id, opened_at DESC, id DESC)
  WHERE resolved_at IS NULL;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['inventory_vendors', 'inventory_items', 'inventory_lots', 'inventory_movements',
                           'inventory_alerts'] LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY lab_scope ON public.%I USING (lab_id = ANY (public.app_lab_ids()))
                    WITH CHECK (lab_id = ANY (public.app_lab_ids()))', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON public.inventory_vendors, public.inventory_items, public.inventory_lots,
  public.inventory_alerts TO lab_app;
GRANT SELECT, INSERT ON public.inventory_movements TO lab_app;
