import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import { ErrorNotice, InfoNotice } from '../../components/Notice.tsx';
import { defaultColumns, maxBulkRows, problemsByRow, type RowProblem, readPaste } from './bulk-rows.ts';
import { useRefreshSamples } from './sample-queries.ts';

/**
 * Registers up to 100 samples pasted from a spreadsheet: previewed as a table with each row's
 * problems beside it, then sent as one all-or-nothing request; the API's refusals go to their rows.
 */
export function BulkPaste() {
  const [text, setText] = useState('');
  const paste = useMemo(() => readPaste(text), [text]);
  const refresh = useRefreshSamples();
  const register = useMutation({
    mutationFn: () => data(api.POST('/api/samples/bulk', { body: paste.rows.map((row) => row.input) })),
    onSuccess: () => {
      setText('');
      void refresh();
    },
  });
  const apiProblems = register.isError
    ? problemsByRow(register.error, paste.rows)
    : new Map<number, RowProblem[]>();
  const invalid = paste.rows.filter((row) => row.problems.length > 0).length;
  const ready = paste.rows.length > 0 && invalid === 0 && paste.problems.length === 0;
  return (
    <div className="form">
      <TextField
        label="Rows from a spreadsheet"
        value={text}
        onChange={(value) => {
          setText(value);
          register.reset();
        }}
        multiline
        rows={8}
        description={`Copy the cells and paste them here (tab- or comma-separated, at most ${maxBulkRows} rows). A first row naming the columns is optional; without one the columns are ${defaultColumns.join(', ')}.`}
      />
      {register.isSuccess && (
        <InfoNotice tone="success">
          Registered {register.data.length} samples:{' '}
          {register.data.map((sample) => sample.sample_id).join(', ')}.{' '}
          <Link to="/samples">Open the list</Link>
        </InfoNotice>
      )}
      {paste.problems.map((problem) => (
        <InfoNotice key={problem} tone="warning">
          {problem}
        </InfoNotice>
      ))}
      {paste.rows.length > 0 && (
        <>
          <p aria-live="polite">
            {paste.rows.length} row(s){paste.hasHeader ? ' after the header row' : ''}
            {invalid > 0 ? `, ${invalid} with problems to fix first` : ', ready to register'}.
          </p>
          <div className="table-wrap">
            <table className="data" aria-label="Pasted rows">
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  {paste.columns.map((column) => (
                    <th scope="col" key={column}>
                      {column}
                    </th>
                  ))}
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {paste.rows.map((row) => {
                  const problems = [...row.problems, ...(apiProblems.get(row.number) ?? [])];
                  const wrong = new Set(problems.map((problem) => problem.column));
                  return (
                    <tr key={row.number} className={problems.length > 0 ? 'row-error' : undefined}>
                      <td>{row.number}</td>
                      {paste.columns.map((column) => (
                        <td key={column} className={wrong.has(column) ? 'cell-error' : undefined}>
                          {row.cells[column]}
                        </td>
                      ))}
                      <td>
                        {problems.length === 0 ? (
                          'OK'
                        ) : (
                          <ul className="row-problems">
                            {problems.map((problem) => (
                              <li key={`${problem.column}:${problem.message}`}>
                                {problem.column ? `${problem.column}: ` : ''}
                                {problem.message}
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <ErrorNotice error={register.error} />
      {register.isError && <p>Nothing was registered: fix the rows marked above, then register again.</p>}
      <div>
        <Button variant="primary" onPress={() => register.mutate()} isDisabled={!ready || register.isPending}>
          {register.isPending
            ? 'Registering…'
            : `Register ${paste.rows.length || ''} samples`.replace('  ', ' ')}
        </Button>
      </div>
    </div>
  );
}
