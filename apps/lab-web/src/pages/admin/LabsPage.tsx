import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/fields.tsx';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { useCan } from '../../session/use-me.ts';
import { AdminNav } from './AdminNav.tsx';
import { type Lab, type User, useAllLabs, useRefreshAccounts, useUsers } from './admin-api.ts';
import { CreateLabDialog } from './CreateLabDialog.tsx';
import './admin.css';

/** Every lab (site) with its members; create a lab; add a person to one. */
export function LabsPage() {
  const can = useCan();
  const labs = useAllLabs();
  const users = useUsers();
  const [creating, setCreating] = useState(false);
  const [addingTo, setAddingTo] = useState<Lab | undefined>(undefined);
  return (
    <>
      <PageHeader
        title="Labs"
        subtitle="Sites and who belongs to each: members see only their labs' records."
      >
        {labs.data && (
          <Button variant="primary" onPress={() => setCreating(true)}>
            Create lab
          </Button>
        )}
      </PageHeader>
      <AdminNav />
      {labs.isPending ? (
        <Loading />
      ) : labs.isError ? (
        <ErrorNotice error={labs.error} />
      ) : (
        <>
          <ErrorNotice error={users.error} />
          <div className="table-wrap">
            <table className="data" aria-label="Labs">
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Name</th>
                  <th scope="col">Organization</th>
                  <th scope="col">Members</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {labs.data.map((lab) => (
                  <tr key={lab.id}>
                    <td>
                      <strong>{lab.code}</strong>
                    </td>
                    <td>{lab.name}</td>
                    <td>{lab.organization_name}</td>
                    <td>
                      <Members users={users.data?.filter((user) => user.lab_ids.includes(lab.id))} />
                    </td>
                    <td className="compact">
                      {can('users:manage') && users.data && (
                        <Button onPress={() => setAddingTo(lab)} aria-label={`Add member to ${lab.code}`}>
                          Add member
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <CreateLabDialog labs={labs.data} isOpen={creating} onOpenChange={setCreating} />
        </>
      )}
      {addingTo && users.data && (
        <AddMemberDialog lab={addingTo} users={users.data} onClose={() => setAddingTo(undefined)} />
      )}
    </>
  );
}

function Members({ users }: { users: User[] | undefined }) {
  if (!users) return null;
  if (users.length === 0) return <span>none</span>;
  return (
    <span>
      {users.map((user, index) => (
        <span key={user.id}>
          {index > 0 && ', '}
          <Link to="/admin/users/$userId" params={{ userId: user.id }}>
            {user.full_name}
          </Link>
        </span>
      ))}
    </span>
  );
}

function AddMemberDialog({ lab, users, onClose }: { lab: Lab; users: User[]; onClose: () => void }) {
  const refresh = useRefreshAccounts();
  const candidates = users.filter((user) => !user.lab_ids.includes(lab.id) && user.active);
  const [userId, setUserId] = useState<string | null>(candidates[0]?.id ?? null);
  return (
    <ReasonDialog
      title={`Add a member to ${lab.code} · ${lab.name}`}
      isOpen
      onOpenChange={(open) => !open && onClose()}
      confirmLabel="Add member"
      onDone={refresh}
      action={(reason) =>
        data(
          api.POST('/api/admin/users/{id}/labs', {
            params: { path: { id: userId ?? '' } },
            body: { lab_id: lab.id, reason },
          }),
        )
      }
    >
      {candidates.length === 0 ? (
        <p>Every active account is already a member.</p>
      ) : (
        <SelectField
          label="Person"
          options={candidates.map((user) => ({ id: user.id, label: `${user.full_name} (${user.email})` }))}
          value={userId}
          onChange={setUserId}
          isRequired
        />
      )}
    </ReasonDialog>
  );
}
