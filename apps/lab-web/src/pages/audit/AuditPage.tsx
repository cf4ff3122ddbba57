import { useMutation } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../../api/api-error.ts';
import { Button } from '../../components/Button.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useCan } from '../../session/use-me.ts';
import { AuditEntryDialog } from './AuditEntryDialog.tsx';
import { AuditFilters } from './AuditFilters.tsx';
import { AuditTable } from './AuditTable.tsx';
import { type AuditEntry, type AuditFilter, fetchAuditPage, verifyTrail } from './audit-api.ts';
import { ExportButtons } from './ExportButtons.tsx';
import { VerifyResult } from './VerifyPanel.tsx';
import './audit.css';

const route = getRouteApi('/app/audit');

/**
 * The audit trail: every entry, newest first, filtered by the address's search parameters and paged
 * by keyset; each entry's change as a readable diff; the chain verified on demand (showing the first
 * broken entry); and the filtered trail exported as CSV or JSON.
 */
export function AuditPage() {
  const filter: AuditFilter = route.useSearch();
  const navigate = route.useNavigate();
  const can = useCan();
  const [open, setOpen] = useState<AuditEntry | undefined>(undefined);
  const pages = useKeysetPages(['audit', filter], (cursor) => fetchAuditPage(filter, cursor));
  const verification = useMutation({ mutationFn: verifyTrail });
  const filtered = Object.values(filter).some(Boolean);

  // Someone without audit:read sees the API's refusal and nothing of the trail's tools.
  if (pages.query.error instanceof ApiError && pages.query.error.status === 403) {
    return (
      <>
        <PageHeader title="Audit trail" />
        <ErrorNotice error={pages.query.error} />
      </>
    );
  }

  return (
    <>
      <PageHeader title="Audit trail" subtitle="Every change to a regulated record and every security event.">
        <Button variant="primary" onPress={() => verification.mutate()} isDisabled={verification.isPending}>
          {verification.isPending ? 'Verifying…' : 'Verify the chain'}
        </Button>
        {can('audit:export') && <ExportButtons filter={filter} />}
      </PageHeader>
      <ErrorNotice error={verification.error} />
      {verification.data && <VerifyResult verification={verification.data} onOpenEntry={setOpen} />}
      <AuditFilters
        key={JSON.stringify(filter)}
        filter={filter}
        onApply={(next) => void navigate({ search: next })}
      />
      {pages.query.isPending ? (
        <Loading />
      ) : pages.query.isError ? (
        <ErrorNotice error={pages.query.error} />
      ) : pages.items.length === 0 ? (
        <InfoNotice>
          {filtered ? 'No entries match these filters.' : 'The trail has no entries yet.'}
        </InfoNotice>
      ) : (
        <>
          <AuditTable entries={pages.items} onOpen={setOpen} />
          <Pager {...pages} isFetching={pages.query.isFetching} />
        </>
      )}
      <AuditEntryDialog entry={open} onClose={() => setOpen(undefined)} />
    </>
  );
}
