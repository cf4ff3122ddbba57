import { Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useMe } from '../../session/use-me.ts';
import { MfaSection } from './MfaSection.tsx';
import { PasswordSection } from './PasswordSection.tsx';

/** My account: who I am, my password, and two-step sign-in. */
export function AccountPage() {
  const me = useMe();
  if (!me.data) return <Loading />;
  return (
    <>
      <PageHeader title="My account" subtitle={`${me.data.full_name} · ${me.data.email}`} />
      <section className="card" aria-labelledby="roles-heading">
        <h2 id="roles-heading">Roles</h2>
        <p>{me.data.roles.join(', ') || 'none'}</p>
      </section>
      <MfaSection enabled={me.data.mfa_enabled} />
      <PasswordSection mfaEnabled={me.data.mfa_enabled} />
    </>
  );
}
