import { useNavigate } from '@tanstack/react-router';
import { useEffect } from 'react';

/**
 * Sends the browser to `to` once (replacing this address in history). The router's own
 * `<Navigate>` navigates again on every re-render of its parent, which loops while the parent
 * re-renders on the location it is changing.
 */
export function RedirectTo({ to }: { to: string }) {
  const navigate = useNavigate();
  useEffect(() => {
    void navigate({ to, replace: true });
  }, [navigate, to]);
  return null;
}
