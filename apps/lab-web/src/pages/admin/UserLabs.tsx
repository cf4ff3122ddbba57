import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/fields.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { labName, type UserDetail, useAllLabs, useRefreshAccounts } from './admin-api.ts';

/** The labs an account belongs to (it sees only their records): add or remove, with a reason. */
export function UserLabs({ user }: { user: UserDetail }) {
  const refresh = useRefreshAccounts();
  const labs = useAllLabs();
  const [adding, setAdding] = useState(false);
  const [labId, setLabId] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | undefined>(undefined);
  const addable = labs.data?.filter((lab) => !user.lab_ids.includes(lab.id)) ?? [];
  return (
    <section className="card" aria-labelledby="labs-heading">
      <div className="section-header">
        <h2 id="labs-heading">Labs</h2>
        {addable.length > 0 && (
          <Button
            onPress={() => {
              setLabId(addable[0]?.id ?? null);
              setAdding(true);
            }}
          >
            Add to a lab
          </Button>
        )}
      </div>
      {user.lab_ids.length === 0 ? (
        <p>No lab: this account sees no lab's records.</p>
      ) : (
        <ul className="item-list compact" aria-label="Lab memberships">
          {user.lab_ids.map((id) => (
            <li key={id}>
              <span>{labName(labs.data, id)}</span>
              <Button
                variant="quiet"
                onPress={() => setRemoving(id)}
                aria-label={`Remove from ${labName(labs.data, id)}`}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ReasonDialog
        title={`Add ${user.full_name} to a lab`}
        isOpen={adding}
        onOpenChange={setAdding}
        confirmLabel="Add to lab"
        onDone={refresh}
        action={(reason) =>
          data(
            api.POST('/api/admin/users/{id}/labs', {
              params: { path: { id: user.id } },
              body: { lab_id: labId ?? '', reason },
            }),
          )
        }
      >
        <SelectField
          label="Lab"
          options={addable.map((lab) => ({ id: lab.id, label: `${lab.code} · ${lab.name}` }))}
          value={labId}
          onChange={setLabId}
          isRequired
        />
      </ReasonDialog>
      <ReasonDialog
        title={`Remove ${user.full_name} from ${removing ? labName(labs.data, removing) : 'the lab'}`}
        isOpen={removing !== undefined}
        onOpenChange={(open) => !open && setRemoving(undefined)}
        confirmLabel="Remove from lab"
        danger
        onDone={refresh}
        action={(reason) =>
          data(
            api.DELETE('/api/admin/users/{id}/labs/{labId}', {
              params: { path: { id: user.id, labId: removing ?? '' } },
              body: { reason },
            }),
          )
        }
      >
        <p>They no longer see that lab's records, from their next request on.</p>
      </ReasonDialog>
    </section>
  );
}
