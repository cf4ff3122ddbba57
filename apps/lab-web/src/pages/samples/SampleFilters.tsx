import { Button } from '../../components/Button.tsx';
import { Checkbox, SelectField, TextField } from '../../components/fields.tsx';
import type { SampleSearch } from './sample-filters.ts';
import type { OrganiserNames } from './sample-queries.ts';
import { sampleStatuses, statusLabel } from './sample-types.ts';
import { useDebouncedText } from './use-debounced-text.ts';

const any = 'any';

export interface SampleFiltersProps {
  search: SampleSearch;
  /** Sets one filter (undefined clears it). */
  setFilter: (key: keyof SampleSearch, value: string | undefined) => void;
  clear: () => void;
  names: OrganiserNames;
}

/** Every filter the sample list has, each kept in the address; the free-text ones debounced. */
export function SampleFilters({ search, setFilter, clear, names }: SampleFiltersProps) {
  const [q, setQ] = useDebouncedText(search.q, (value) => setFilter('q', value));
  const [type, setType] = useDebouncedText(search.sample_type, (value) => setFilter('sample_type', value));
  const choose = (key: keyof SampleSearch) => (value: string) =>
    setFilter(key, value === any ? undefined : value);
  const withAny = (label: string, options: { id: string; label: string }[]) => [
    { id: any, label },
    ...options,
  ];
  return (
    <search className="filters" aria-label="Sample filters">
      <TextField
        label="Sample id starts with"
        value={q}
        onChange={setQ}
        type="search"
        placeholder="S-2026-"
        maxLength={100}
      />
      <SelectField
        label="Status"
        value={search.status ?? any}
        onChange={choose('status')}
        options={withAny(
          'Any status',
          sampleStatuses.map((status) => ({ id: status, label: statusLabel(status) })),
        )}
      />
      <TextField label="Sample type" value={type} onChange={setType} placeholder="plasma" maxLength={100} />
      <SelectField
        label="Project"
        value={search.project_id ?? any}
        onChange={choose('project_id')}
        options={withAny(
          'Any project',
          names.projects.map((row) => ({ id: row.id, label: `${row.code} · ${row.name}` })),
        )}
      />
      <SelectField
        label="Batch"
        value={search.batch_id ?? any}
        onChange={choose('batch_id')}
        options={withAny(
          'Any batch',
          names.batches.map((row) => ({ id: row.id, label: row.code })),
        )}
      />
      <SelectField
        label="Container"
        value={search.container_id ?? any}
        onChange={choose('container_id')}
        options={withAny(
          'Any container',
          names.containers.map((row) => ({ id: row.id, label: names.container.get(row.id) ?? row.code })),
        )}
      />
      {names.labs.length > 1 && (
        <SelectField
          label="Lab"
          value={search.lab_id ?? any}
          onChange={choose('lab_id')}
          options={withAny(
            'All my labs',
            names.labs.map((row) => ({ id: row.id, label: row.name })),
          )}
        />
      )}
      <TextField
        label="Created from"
        type="date"
        value={search.created_from ?? ''}
        onChange={(value) => setFilter('created_from', value || undefined)}
      />
      <TextField
        label="Created to (inclusive)"
        type="date"
        value={search.created_to ?? ''}
        onChange={(value) => setFilter('created_to', value || undefined)}
      />
      <Checkbox
        isSelected={search.include_deleted === 'true'}
        onChange={(selected) => setFilter('include_deleted', selected ? 'true' : undefined)}
      >
        Include deleted
      </Checkbox>
      <Button variant="quiet" onPress={clear}>
        Clear filters
      </Button>
    </search>
  );
}
