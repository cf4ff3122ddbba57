import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { FileTrigger } from 'react-aria-components';
import { api, data, saveBlob } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useCan, useMe } from '../../session/use-me.ts';
import { ImportReportTable } from './ImportReportTable.tsx';
import { type CsvFilePreview, importReportOf, previewCsv } from './import-report.ts';
import { useRefreshSamples } from './sample-queries.ts';
import './samples.css';

const template =
  'sample_id,sample_type,quantity,unit,status,container_id,project_id,batch_id,metadata,lab_id\r\n' +
  'EX-0001,plasma,5,mL,in_storage,,,,"{""donor"":""D-17""}",\r\n';

interface Chosen {
  name: string;
  text: string;
  preview: CsvFilePreview;
}

/** CSV import: choose a file, see its rows, import all or nothing; a refusal shows its per-row report. */
export function ImportSamplesPage() {
  const me = useMe();
  const can = useCan();
  const refresh = useRefreshSamples();
  const [chosen, setChosen] = useState<Chosen>();
  const upload = useMutation({
    mutationFn: (file: Chosen) =>
      data(
        api.POST('/api/samples/import', {
          body: file.text,
          bodySerializer: (body: string) => body,
          headers: { 'content-type': 'text/csv' },
        }),
      ),
    onSuccess: () => void refresh(),
  });
  const choose = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    const text = await file.text();
    upload.reset();
    setChosen({ name: file.name, text, preview: previewCsv(text) });
  };
  const report = importReportOf(upload.error);
  if (me.isPending) return <Loading />;
  if (!can('samples:create')) {
    return (
      <>
        <PageHeader title="Import samples" />
        <InfoNotice tone="warning">
          You do not have permission to import samples (it needs samples:create).
        </InfoNotice>
      </>
    );
  }
  return (
    <>
      <p>
        <Link to="/samples">← Samples</Link>
      </p>
      <PageHeader
        title="Import samples"
        subtitle="A CSV file of up to 10,000 rows (5 MB). Every row is checked first: one problem and nothing is imported."
      >
        <Button
          variant="quiet"
          onPress={() => saveBlob(new Blob([template], { type: 'text/csv' }), 'samples-template.csv')}
        >
          Download a template
        </Button>
      </PageHeader>
      <section className="card" aria-labelledby="file-heading">
        <h2 id="file-heading">File</h2>
        <p>
          Columns: <code>sample_id</code>, <code>sample_type</code>, <code>quantity</code>, <code>unit</code>{' '}
          (required), and optionally <code>status</code> (received or in_storage), <code>container_id</code>,{' '}
          <code>project_id</code>, <code>batch_id</code>, <code>metadata</code> (a JSON object),{' '}
          <code>lab_id</code>. An exported file can be imported again.
        </p>
        <div className="file-picker">
          <FileTrigger acceptedFileTypes={['.csv', 'text/csv']} onSelect={(files) => void choose(files)}>
            <Button>Choose a CSV file</Button>
          </FileTrigger>
          <span aria-live="polite">
            {chosen ? `${chosen.name}: ${chosen.preview.rowCount} data row(s)` : 'No file chosen'}
          </span>
          <Button
            variant="primary"
            isDisabled={!chosen || upload.isPending}
            onPress={() => chosen && upload.mutate(chosen)}
          >
            {upload.isPending ? 'Importing…' : 'Import'}
          </Button>
        </div>
      </section>
      {upload.isSuccess && (
        <InfoNotice tone="success">
          Imported {upload.data.imported} sample(s) from {chosen?.name}.{' '}
          <Link to="/samples">Open the list</Link>
        </InfoNotice>
      )}
      <ErrorNotice error={upload.error} />
      {report && chosen && <ImportReportTable report={report} file={chosen.preview} />}
    </>
  );
}
