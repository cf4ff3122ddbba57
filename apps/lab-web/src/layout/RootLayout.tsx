import { Outlet } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useServerReachable } from '../api/connection-state.ts';
import { restoreSession } from '../session/session-store.ts';

/** Every page: the lost-connection banner above whatever the route shows. */
export function RootLayout() {
  const reachable = useServerReachable();
  // Any first page (the sign-in page too) learns at once whether the refresh cookie holds a session.
  useEffect(() => {
    void restoreSession();
  }, []);
  return (
    <>
      {!reachable && (
        <div className="connection-banner" role="alert">
          The connection to the lab server was lost. Retrying… Nothing you entered is lost.
        </div>
      )}
      <Outlet />
    </>
  );
}
