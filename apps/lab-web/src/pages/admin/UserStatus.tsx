import { isLocked, type User } from './admin-api.ts';

/** An account's state as badges (with words, never colour alone): active, locked, MFA. */
export function UserStatus({ user }: { user: Pick<User, 'active' | 'locked_until' | 'mfa_enabled'> }) {
  return (
    <span className="badge-list">
      {user.active ? (
        <span className="badge badge-ok">Active</span>
      ) : (
        <span className="badge">Deactivated</span>
      )}
      {isLocked(user) && <span className="badge badge-danger">Locked</span>}
      {user.mfa_enabled && <span className="badge badge-info">MFA</span>}
    </span>
  );
}
