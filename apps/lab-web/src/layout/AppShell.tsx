import { Link, Outlet, useLocation, useNavigate } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { Loading } from '../components/Notice.tsx';
import { IdleSignOut } from '../session/IdleSignOut.tsx';
import { signOut, useSession } from '../session/session-store.ts';
import { useCan, useMe } from '../session/use-me.ts';
import { sections } from './navigation.ts';

/** The signed-in frame: skip link, header with the user, section navigation, the page. */
export function AppShell() {
  const session = useSession();
  const location = useLocation();
  const me = useMe();
  const can = useCan();
  const navigate = useNavigate();
  const signedOut = session.status === 'signed-out';
  // The session can end while a page is open (inactivity, sign-out, revoked): back to sign-in, once.
  // The address is read when the session ends, not tracked: navigating changes it.
  const here = useRef(location.href);
  here.current = location.href;
  useEffect(() => {
    if (signedOut) {
      void navigate({
        to: '/sign-in',
        search: { redirect: here.current === '/' ? undefined : here.current },
      });
    }
  }, [signedOut, navigate]);
  if (session.status !== 'signed-in') return <Loading label="Signing in…" />;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <Link to="/" className="brand">
          POLYMORPH-LITE
        </Link>
        <div className="shell-user">
          {me.data && (
            <Link to="/account" className="user-link">
              {me.data.full_name}
              <span className="user-roles"> · {me.data.roles.join(', ')}</span>
            </Link>
          )}
          <button type="button" className="button button-quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="shell-nav" aria-label="Sections">
        <ul>
          {sections
            .filter((section) => !section.permission || can(section.permission))
            .map((section) => (
              <li key={section.to}>
                <Link
                  to={section.to}
                  activeOptions={{ exact: section.to === '/' }}
                  activeProps={{ 'aria-current': 'page' }}
                >
                  {section.label}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      <main className="shell-main" id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <IdleSignOut />
    </div>
  );
}
