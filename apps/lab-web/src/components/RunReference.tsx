import { Link } from '@tanstack/react-router';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A run reference is free text; one that is a run's uuid links to the run. */
export function RunReference({ value }: { value: string | null }) {
  if (!value) return <>—</>;
  if (!uuid.test(value)) return <>{value}</>;
  return (
    <Link to="/runs/$runId" params={{ runId: value }}>
      run {value.slice(0, 8)}
    </Link>
  );
}
