import { Link } from '@tanstack/react-router';
import { isUuid } from '../format/text.ts';

/** A run reference is free text; one that is a run's uuid links to the run. */
export function RunReference({ value }: { value: string | null }) {
  if (!value) return <>—</>;
  if (!isUuid(value)) return <>{value}</>;
  return (
    <Link to="/runs/$runId" params={{ runId: value }}>
      run {value.slice(0, 8)}
    </Link>
  );
}
