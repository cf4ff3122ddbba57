import { Link } from '@tanstack/react-router';
import { useCan } from '../../session/use-me.ts';

/** Administration's parts, each shown to whoever holds the permission its page needs. */
const parts = [
  { to: '/admin', label: 'Users', permission: 'users:manage' },
  { to: '/admin/labs', label: 'Labs', permission: 'sites:manage' },
  { to: '/admin/sites', label: 'Nodes and hubs', permission: 'devices:read' },
  { to: '/admin/jobs', label: 'Jobs', permission: 'jobs:manage' },
] as const;

/** The sub-navigation between the administration pages (links: each part is its own address). */
export function AdminNav() {
  const can = useCan();
  const shown = parts.filter((part) => can(part.permission));
  if (shown.length < 2) return null;
  return (
    <nav className="admin-nav" aria-label="Administration">
      <ul>
        {shown.map((part) => (
          <li key={part.to}>
            <Link
              to={part.to}
              activeOptions={{ exact: part.to === '/admin', includeSearch: false }}
              activeProps={{ 'aria-current': 'page' }}
            >
              {part.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
