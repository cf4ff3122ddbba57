import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/fields.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { type UserDetail, useRefreshAccounts, useRoles } from './admin-api.ts';

/** An account's roles: each revocable, others grantable, each change with its reason. */
export function UserRoles({ user }: { user: UserDetail }) {
  const refresh = useRefreshAccounts();
  const roles = useRoles();
  const [granting, setGranting] = useState(false);
  const [role, setRole] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | undefined>(undefined);
  const grantable = roles.data?.filter((candidate) => !user.roles.includes(candidate.name)) ?? [];
  const describe = (name: string) => roles.data?.find((candidate) => candidate.name === name)?.description;
  return (
    <section className="card" aria-labelledby="roles-heading">
      <div className="section-header">
        <h2 id="roles-heading">Roles</h2>
        {grantable.length > 0 && (
          <Button
            onPress={() => {
              setRole(grantable[0]?.name ?? null);
              setGranting(true);
            }}
          >
            Grant a role
          </Button>
        )}
      </div>
      {user.roles.length === 0 ? (
        <p>No roles: this account can sign in but read nothing.</p>
      ) : (
        <ul className="item-list compact" aria-label="Roles held">
          {user.roles.map((name) => (
            <li key={name}>
              <span>
                <strong>{name}</strong> <span className="item-description">{describe(name)}</span>
              </span>
              <Button
                variant="quiet"
                onPress={() => setRevoking(name)}
                aria-label={`Revoke the role ${name}`}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ReasonDialog
        title={`Grant a role to ${user.full_name}`}
        isOpen={granting}
        onOpenChange={setGranting}
        confirmLabel="Grant role"
        onDone={refresh}
        action={(reason) =>
          data(
            api.POST('/api/admin/users/{id}/roles', {
              params: { path: { id: user.id } },
              body: { role: role ?? '', reason },
            }),
          )
        }
      >
        <SelectField
          label="Role"
          options={grantable.map((candidate) => ({ id: candidate.name, label: candidate.name }))}
          value={role}
          onChange={setRole}
          isRequired
          {...(role && describe(role) ? { description: describe(role) } : {})}
        />
      </ReasonDialog>
      <ReasonDialog
        title={`Revoke the role ${revoking ?? ''} from ${user.full_name}`}
        isOpen={revoking !== undefined}
        onOpenChange={(open) => !open && setRevoking(undefined)}
        confirmLabel="Revoke role"
        danger
        onDone={refresh}
        action={(reason) =>
          data(
            api.DELETE('/api/admin/users/{id}/roles/{role}', {
              params: { path: { id: user.id, role: revoking ?? '' } },
              body: { reason },
            }),
          )
        }
      >
        <p>The change applies to their open sessions at once.</p>
      </ReasonDialog>
    </section>
  );
}
