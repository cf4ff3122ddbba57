import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { isLocked, type UserDetail, useRefreshAccounts } from './admin-api.ts';
import { passwordRules } from './CreateUserDialog.tsx';

type Action = 'rename' | 'deactivate' | 'reactivate' | 'password' | 'unlock';

/**
 * What an administrator does to an account, each with the reason the API records in the trail:
 * rename, deactivate (ends its sessions) or reactivate, reset its password (also unlocks), unlock.
 */
export function UserAccountActions({ user }: { user: UserDetail }) {
  const refresh = useRefreshAccounts();
  const [open, setOpen] = useState<Action | undefined>(undefined);
  const [fullName, setFullName] = useState(user.full_name);
  const [password, setPassword] = useState('');
  const id = user.id;
  const dialog = (action: Action) => ({
    isOpen: open === action,
    onOpenChange: (isOpen: boolean) => setOpen(isOpen ? action : undefined),
    onDone: refresh,
  });
  return (
    <div className="section-actions">
      <Button
        onPress={() => {
          setFullName(user.full_name);
          setOpen('rename');
        }}
      >
        Rename
      </Button>
      {user.active ? (
        <Button variant="danger" onPress={() => setOpen('deactivate')}>
          Deactivate
        </Button>
      ) : (
        <Button onPress={() => setOpen('reactivate')}>Reactivate</Button>
      )}
      <Button
        onPress={() => {
          setPassword('');
          setOpen('password');
        }}
      >
        Reset password
      </Button>
      {isLocked(user) && (
        <Button variant="primary" onPress={() => setOpen('unlock')}>
          Unlock
        </Button>
      )}

      <ReasonDialog
        {...dialog('rename')}
        title={`Rename ${user.full_name}`}
        confirmLabel="Rename"
        action={(reason) =>
          data(
            api.PATCH('/api/admin/users/{id}', {
              params: { path: { id } },
              body: { full_name: fullName, reason },
            }),
          )
        }
      >
        <TextField label="Full name" value={fullName} onChange={setFullName} isRequired />
      </ReasonDialog>
      <ReasonDialog
        {...dialog('deactivate')}
        title={`Deactivate ${user.full_name}`}
        confirmLabel="Deactivate"
        danger
        action={(reason) =>
          data(
            api.PATCH('/api/admin/users/{id}', { params: { path: { id } }, body: { active: false, reason } }),
          )
        }
      >
        <p>
          {user.email} can no longer sign in, and every session of theirs ends now. The account and its
          records stay; it can be reactivated.
        </p>
      </ReasonDialog>
      <ReasonDialog
        {...dialog('reactivate')}
        title={`Reactivate ${user.full_name}`}
        confirmLabel="Reactivate"
        action={(reason) =>
          data(
            api.PATCH('/api/admin/users/{id}', { params: { path: { id } }, body: { active: true, reason } }),
          )
        }
      >
        <p>{user.email} can sign in again with their password.</p>
      </ReasonDialog>
      <ReasonDialog
        {...dialog('password')}
        title={`Reset the password of ${user.full_name}`}
        confirmLabel="Reset password"
        action={(reason) =>
          data(
            api.POST('/api/admin/users/{id}/password', {
              params: { path: { id } },
              body: { password, reason },
            }),
          )
        }
      >
        <p>Every session of theirs ends, and a lockout is lifted. Hand the new password over in person.</p>
        <TextField
          label="New password"
          type="password"
          value={password}
          onChange={setPassword}
          isRequired
          autoComplete="new-password"
          description={passwordRules}
        />
      </ReasonDialog>
      <ReasonDialog
        {...dialog('unlock')}
        title={`Unlock ${user.full_name}`}
        confirmLabel="Unlock"
        action={(reason) =>
          data(api.POST('/api/admin/users/{id}/unlock', { params: { path: { id } }, body: { reason } }))
        }
      >
        <p>The lockout after failed sign-ins is lifted now instead of when it expires.</p>
      </ReasonDialog>
    </div>
  );
}
