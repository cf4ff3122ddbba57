import { Link } from '@tanstack/react-router';
import { messageFor } from '../api/api-error.ts';

export function NotFoundPage() {
  return (
    <main className="centered-page" id="main">
      <h1>Page not found</h1>
      <p>There is no page at this address.</p>
      <Link to="/">Go to the start page</Link>
    </main>
  );
}

/** What a page that failed to render shows: a readable message and a way on, never a stack. */
export function RouteErrorPage({ error, reset }: { error: unknown; reset?: () => void }) {
  return (
    <main className="centered-page" id="main">
      <h1>This page could not be shown</h1>
      <p role="alert">{messageFor(error)}</p>
      <p>
        {reset && (
          <button type="button" className="button button-secondary" onClick={reset}>
            Try again
          </button>
        )}{' '}
        <Link to="/">Go to the start page</Link>
      </p>
    </main>
  );
}
