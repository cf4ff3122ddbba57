/**
 * The tables the lab's migrations put under row-level security (ENABLED and FORCED), each a lab's
 * own records. A test checks this list against a freshly migrated database, so a migration adding
 * one must add it here.
 */
export const labRlsTables: readonly string[] = [
  'batches',
  'calibration_certificates',
  'calibration_entries',
  'config_snapshots',
  'containers',
  'device_hubs',
  'device_usage',
  'devices',
  'inventory_alerts',
  'inventory_items',
  'inventory_lots',
  'inventory_movements',
  'inventory_vendors',
  'nodes',
  'projects',
  'run_data',
  'run_devices',
  'run_event_heads',
  'run_events',
  'run_steps',
  'sample_lineage',
  'samples',
  'workflow_executions',
  'workflow_sample_assignments',
  'workflow_versions',
  'workflows',
].map((table) => `public.${table}`);
