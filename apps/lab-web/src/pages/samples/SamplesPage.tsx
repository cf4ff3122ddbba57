import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../../api/api-error.ts';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useCan } from '../../session/use-me.ts';
import { exportSamplesCsv, maxLabelSheet, printLabelSheet } from './file-actions.ts';
import { SampleFilters } from './SampleFilters.tsx';
import { SamplesTable } from './SamplesTable.tsx';
import { apiFilter, filterQueryString, hasFilters, type SampleSearch } from './sample-filters.ts';
import { useOrganiserNames } from './sample-queries.ts';
import type { Sample } from './sample-types.ts';
import { samplesRoute } from './samples.routes.ts';
import './samples.css';

const pageSize = 50;

/** The sample list: keyset pages, every filter in the address, label sheet and CSV export. */
export function SamplesPage() {
  const search: SampleSearch = samplesRoute.useSearch();
  const navigate = useNavigate({ from: samplesRoute.fullPath });
  const can = useCan();
  const names = useOrganiserNames();
  const filter = apiFilter(search);
  const pages = useKeysetPages<Sample>(['samples', filter], (cursor) =>
    data(api.GET('/api/samples', { params: { query: { ...filter, cursor, limit: pageSize } } })),
  );
  const [selected, setSelected] = useState<ReadonlyMap<string, string>>(new Map());
  const toggle = (sample: Sample, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(sample.id, sample.sample_id);
      else next.delete(sample.id);
      return next;
    });
  const setFilter = (key: keyof SampleSearch, value: string | undefined) =>
    void navigate({ search: (previous: SampleSearch) => ({ ...previous, [key]: value }), replace: true });
  const exporting = useMutation({ mutationFn: () => exportSamplesCsv(filterQueryString(search)) });
  const printing = useMutation({ mutationFn: () => printLabelSheet([...selected.keys()]) });
  const tooMany = selected.size > maxLabelSheet;
  if (pages.query.error instanceof ApiError && pages.query.error.status === 403) {
    // Not allowed to read samples at all: say so (the API's words), with nothing to act on.
    return (
      <>
        <PageHeader title="Samples" />
        <ErrorNotice error={pages.query.error} />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Samples"
        subtitle="Newest first. Filters stay in the address, so a view can be shared."
      >
        {can('samples:create') && (
          <>
            <Link to="/samples/new" className="button button-primary">
              Register samples
            </Link>
            <Link to="/samples/import" className="button button-secondary">
              Import CSV
            </Link>
          </>
        )}
        <Button onPress={() => exporting.mutate()} isDisabled={exporting.isPending}>
          {exporting.isPending ? 'Exporting…' : 'Export CSV'}
        </Button>
      </PageHeader>
      <SampleFilters
        search={search}
        setFilter={setFilter}
        clear={() => void navigate({ search: {}, replace: true })}
        names={names}
      />
      <ErrorNotice error={exporting.error} />
      <section className="selection-bar" aria-label="Selected samples">
        <p aria-live="polite">
          {selected.size === 0
            ? 'Select samples to print a sheet of their labels.'
            : `${selected.size} selected${tooMany ? ` (a sheet holds at most ${maxLabelSheet})` : ''}`}
        </p>
        <Button
          variant="primary"
          onPress={() => printing.mutate()}
          isDisabled={selected.size === 0 || tooMany || printing.isPending}
        >
          {printing.isPending ? 'Preparing PDF…' : 'Print label sheet (PDF)'}
        </Button>
        {selected.size > 0 && (
          <Button variant="quiet" onPress={() => setSelected(new Map())}>
            Clear selection
          </Button>
        )}
      </section>
      <ErrorNotice error={printing.error} />
      {pages.query.isPending ? (
        <Loading label="Loading samples…" />
      ) : pages.query.isError ? (
        <ErrorNotice error={pages.query.error} />
      ) : pages.items.length === 0 ? (
        <InfoNotice>
          {hasFilters(search) ? 'No sample matches these filters.' : 'No samples have been registered yet.'}
        </InfoNotice>
      ) : (
        <SamplesTable samples={pages.items} names={names} selected={selected} toggle={toggle} />
      )}
      <Pager
        pageNumber={pages.pageNumber}
        hasNext={pages.hasNext}
        hasPrevious={pages.hasPrevious}
        nextPage={pages.nextPage}
        previousPage={pages.previousPage}
        firstPage={pages.firstPage}
        isFetching={pages.query.isFetching}
      />
    </>
  );
}
