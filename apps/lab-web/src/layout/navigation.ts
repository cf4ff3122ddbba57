/** The main sections, each shown to whoever holds the permission that reads it. */
export const sections = [
  { to: '/', label: 'Dashboard', permission: undefined },
  { to: '/samples', label: 'Samples', permission: 'samples:read' },
  { to: '/inventory', label: 'Inventory', permission: 'inventory:read' },
  { to: '/instruments', label: 'Instruments', permission: 'devices:read' },
  { to: '/workflows', label: 'Workflows', permission: 'workflows:read' },
  { to: '/runs', label: 'Runs', permission: 'runs:read' },
  { to: '/audit', label: 'Audit trail', permission: 'audit:read' },
  { to: '/admin', label: 'Administration', permission: 'users:manage' },
] as const;
