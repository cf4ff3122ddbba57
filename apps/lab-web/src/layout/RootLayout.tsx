import { Outlet } from '@tanstack/react-router';
import { useServerReachable } from '../api/connection-state.ts';

/** Every page: the lost-connection banner above whatever the route shows. */
export function RootLayout() {
  const reachable = useServerReachable();
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
