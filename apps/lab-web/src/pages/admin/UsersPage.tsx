import { getRouteApi, Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { AdminNav } from './AdminNav.tsx';
import { isLocked, labCode, type User, useAllLabs, useUsers } from './admin-api.ts';
import { CreateUserDialog } from './CreateUserDialog.tsx';
import { RolesCard } from './RolesCard.tsx';
import { UserStatus } from './UserStatus.tsx';
import './admin.css';

const route = getRouteApi('/app/admin');

const statuses = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'inactive', label: 'Deactivated' },
  { id: 'locked', label: 'Locked' },
];

function matches(user: User, q: string | undefined, status: string | undefined): boolean {
  const text = q?.toLowerCase();
  if (text && !user.full_name.toLowerCase().includes(text) && !user.email.includes(text)) return false;
  if (status === 'active') return user.active;
  if (status === 'inactive') return !user.active;
  if (status === 'locked') return isLocked(user);
  return true;
}

/** Every account: who, roles, labs and state; create one; open one to manage it. */
export function UsersPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const users = useUsers();
  const labs = useAllLabs();
  const [creating, setCreating] = useState(false);
  // The text goes to the address once typing pauses (a navigation per keystroke would fight the input).
  const [q, setQ] = useState(search.q ?? '');
  useEffect(() => {
    const timer = setTimeout(() => {
      if ((search.q ?? '') !== q)
        void navigate({ search: (prev) => ({ ...prev, q: q || undefined }), replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [q, search.q, navigate]);
  const shown = users.data?.filter((user) => matches(user, search.q, search.status)) ?? [];
  return (
    <>
      <PageHeader title="Users" subtitle="Accounts, their roles and labs.">
        {users.data && (
          <Button variant="primary" onPress={() => setCreating(true)}>
            Create user
          </Button>
        )}
      </PageHeader>
      <AdminNav />
      {users.isPending ? (
        <Loading />
      ) : users.isError ? (
        <ErrorNotice error={users.error} />
      ) : (
        <>
          <div className="filters">
            <TextField label="Name or e-mail" type="search" value={q} onChange={setQ} />
            <SelectField
              label="State"
              options={statuses}
              value={search.status ?? 'all'}
              onChange={(status) =>
                void navigate({
                  search: (prev) => ({ ...prev, status: status === 'all' ? undefined : status }),
                })
              }
            />
          </div>
          {shown.length === 0 ? (
            <InfoNotice>No account matches.</InfoNotice>
          ) : (
            <div className="table-wrap">
              <table className="data" aria-label="Users">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">E-mail</th>
                    <th scope="col">Roles</th>
                    <th scope="col">Labs</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((user) => (
                    <tr key={user.id}>
                      <td>
                        <Link to="/admin/users/$userId" params={{ userId: user.id }}>
                          {user.full_name}
                        </Link>
                      </td>
                      <td>{user.email}</td>
                      <td>{user.roles.join(', ') || '—'}</td>
                      <td>{user.lab_ids.map((id) => labCode(labs.data, id)).join(', ') || '—'}</td>
                      <td>
                        <UserStatus user={user} />
                      </td>
                      <td>{formatDateTime(user.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <RolesCard />
        </>
      )}
      <CreateUserDialog isOpen={creating} onOpenChange={setCreating} />
    </>
  );
}
