import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { AdminNav } from './AdminNav.tsx';
import { isLocked, type UserDetail } from './admin-api.ts';
import { UserAccountActions } from './UserAccountActions.tsx';
import { UserLabs } from './UserLabs.tsx';
import { UserRoles } from './UserRoles.tsx';
import { UserStatus } from './UserStatus.tsx';
import './admin.css';

const route = getRouteApi('/app/admin/users/$userId');

/** One account: its state and the actions on it, its roles, its labs, and the signatures on it. */
export function UserPage() {
  const { userId } = route.useParams();
  const user = useQuery({
    queryKey: ['admin', 'users', userId],
    queryFn: () => data(api.GET('/api/admin/users/{id}', { params: { path: { id: userId } } })),
  });
  if (user.isPending) return <Loading />;
  if (user.isError) {
    return (
      <>
        <PageHeader title="User" />
        <AdminNav />
        <ErrorNotice error={user.error} />
      </>
    );
  }
  return (
    <>
      <PageHeader title={user.data.full_name} subtitle={user.data.email} />
      <AdminNav />
      <div className="admin-grid">
        <AccountCard user={user.data} />
        <UserRoles user={user.data} />
        <UserLabs user={user.data} />
        <SignaturesCard user={user.data} />
      </div>
    </>
  );
}

function AccountCard({ user }: { user: UserDetail }) {
  const can = useCan();
  return (
    <section className="card" aria-labelledby="account-heading">
      <h2 id="account-heading">Account</h2>
      <dl className="details">
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>State</dt>
        <dd>
          <UserStatus user={user} />
        </dd>
        {isLocked(user) && (
          <>
            <dt>Locked until</dt>
            <dd className="attention">{formatDateTime(user.locked_until)}</dd>
          </>
        )}
        <dt>Two-step sign-in</dt>
        <dd>{user.mfa_enabled ? 'on' : 'off'}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(user.created_at)}</dd>
      </dl>
      <UserAccountActions user={user} />
      {can('audit:read') && (
        <p>
          <Link to="/audit" search={{ entity_type: 'user', entity_id: user.id }}>
            Audit trail of this account
          </Link>{' '}
          ·{' '}
          <Link to="/audit" search={{ actor: user.email }}>
            What this person did
          </Link>
        </p>
      )}
    </section>
  );
}

function SignaturesCard({ user }: { user: UserDetail }) {
  return (
    <section className="card" aria-labelledby="signatures-heading">
      <h2 id="signatures-heading">Signatures on this account</h2>
      {user.signatures.length === 0 ? (
        <p>None (an access review signs the account).</p>
      ) : (
        <ul className="item-list">
          {user.signatures.map((signature) => (
            <li key={signature.id}>
              <span>
                {signature.meaning} by {signature.printed_name}, {formatDateTime(signature.signed_at)}
              </span>
              <Link to="/signatures/$signatureId" params={{ signatureId: signature.id }}>
                Verify
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
