import { getRouteApi, Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useCan } from '../../session/use-me.ts';
import { RunsTable } from './RunsTable.tsx';
import { isRunStatus, runStatuses, statusLabel } from './run-status.ts';
import { SampleRuns } from './SampleRuns.tsx';
import './runs.css';

const route = getRouteApi('/app/runs');
const statusOptions = [
  { id: 'any', label: 'Any state' },
  ...runStatuses.map((status) => ({ id: status, label: statusLabel(status) })),
];

/** The run history (filtered by state, paged by keyset), or the runs one sample went through. */
export function RunsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const status = isRunStatus(search.status) ? search.status : undefined;
  const [sample, setSample] = useState(search.sample ?? '');
  const pages = useKeysetPages(['runs', { status }], async (cursor) =>
    data(api.GET('/api/runs', { params: { query: { status, cursor, limit: 20 } } })),
  );
  const showSample = (event: FormEvent) => {
    event.preventDefault();
    void navigate({ search: { ...search, sample: sample.trim() || undefined } });
  };

  return (
    <>
      <PageHeader title="Runs" subtitle="Every run of an approved workflow in your labs, newest first.">
        {can('runs:create') && (
          <Link to="/runs/new" className="button button-primary run-link-button">
            Start run
          </Link>
        )}
      </PageHeader>
      <div className="filters">
        <SelectField
          label="State"
          options={statusOptions}
          value={status ?? 'any'}
          onChange={(value) =>
            void navigate({ search: { ...search, status: value === 'any' ? undefined : value } })
          }
        />
        <Form onSubmit={showSample} className="form-row" aria-label="A sample's runs">
          <TextField
            label="Sample"
            value={sample}
            onChange={setSample}
            description="A sample id, to see every run it went through"
          />
          <Button type="submit">Show its runs</Button>
          {search.sample && (
            <Button
              variant="quiet"
              onPress={() => {
                setSample('');
                void navigate({ search: { ...search, sample: undefined } });
              }}
            >
              All runs
            </Button>
          )}
        </Form>
      </div>
      {search.sample ? (
        <SampleRuns sample={search.sample} status={status} />
      ) : pages.query.isPending ? (
        <Loading />
      ) : pages.query.isError ? (
        <ErrorNotice error={pages.query.error} />
      ) : pages.items.length === 0 ? (
        <InfoNotice>{status ? `No run is ${statusLabel(status)}.` : 'No run yet.'}</InfoNotice>
      ) : (
        <>
          <RunsTable runs={pages.items} />
          <Pager {...pages} isFetching={pages.query.isFetching} />
        </>
      )}
    </>
  );
}
