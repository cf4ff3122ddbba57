import { useQuery } from '@tanstack/react-query';
import { api, data } from '../api/client.ts';
import { useMe } from '../session/use-me.ts';
import { SelectField } from './fields.tsx';
import { ErrorNotice } from './Notice.tsx';

/** Whether the signed-in person must say which lab a new record goes to (they belong to several). */
export function useNeedsLab(): boolean {
  const me = useMe();
  return (me.data?.lab_ids.length ?? 0) > 1;
}

/**
 * The lab a new record belongs to, asked only of people in several labs (the API refuses their
 * creation without one: `lab_required`); everyone else's records go to their one lab.
 */
export function LabField({ value, onChange }: { value: string | null; onChange: (labId: string) => void }) {
  const needed = useNeedsLab();
  const labs = useQuery({
    queryKey: ['labs', 'mine'],
    queryFn: () => data(api.GET('/api/labs')),
    enabled: needed,
    staleTime: 5 * 60_000,
  });
  if (!needed) return null;
  if (labs.isError) return <ErrorNotice error={labs.error} />;
  return (
    <SelectField
      label="Lab"
      isRequired
      value={value}
      onChange={onChange}
      options={(labs.data ?? []).map((lab) => ({ id: lab.id, label: `${lab.code} · ${lab.name}` }))}
    />
  );
}
