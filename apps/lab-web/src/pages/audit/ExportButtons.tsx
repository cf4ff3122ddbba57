import { useMutation } from '@tanstack/react-query';
import { saveBlob } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { type AuditFilter, exportTrail } from './audit-api.ts';

/** Exports the trail as filtered now, with the server's verification summary inside the file. */
export function ExportButtons({ filter }: { filter: AuditFilter }) {
  const exporting = useMutation({
    mutationFn: async (format: 'csv' | 'json') => {
      const blob = await exportTrail(filter, format);
      const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
      saveBlob(blob, `audit-trail-${stamp}.${format}`);
    },
  });
  return (
    <>
      <Button variant="secondary" onPress={() => exporting.mutate('csv')} isDisabled={exporting.isPending}>
        Export CSV
      </Button>
      <Button variant="secondary" onPress={() => exporting.mutate('json')} isDisabled={exporting.isPending}>
        Export JSON
      </Button>
      {exporting.error && (
        <div className="export-error">
          <ErrorNotice error={exporting.error} />
        </div>
      )}
    </>
  );
}
