import { type CsvFilePreview, errorsByRow, type ImportReport } from './import-report.ts';

/**
 * The import's per-row error report against the file's rows: each row with problems shown with its
 * cells (the faulty ones marked) and every problem's column and message.
 */
export function ImportReportTable({ report, file }: { report: ImportReport; file: CsvFilePreview }) {
  const grouped = errorsByRow(report);
  const header = grouped.find(([row]) => row === 0)?.[1] ?? [];
  const rows = grouped.filter(([row]) => row > 0);
  return (
    <section className="card" aria-labelledby="report-heading">
      <h2 id="report-heading">Error report</h2>
      <p>
        {report.errorCount} problem(s) in {rows.length} row(s)
        {header.length > 0 ? ' and the header row' : ''}. Nothing was imported: fix the file and choose it
        again.
        {report.truncated ? ` Only the first ${report.errors.length} problems are listed.` : ''}
      </p>
      {header.length > 0 && (
        <>
          <h3>Header row</h3>
          <ul className="row-problems">
            {header.map((error) => (
              <li key={`${error.column}:${error.code}`}>{error.message}</li>
            ))}
          </ul>
        </>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-label="Rows with errors">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Line</th>
                <th scope="col">Problems (column: message)</th>
                {file.columns.map((column, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a file may repeat a column name
                  <th scope="col" key={`${column}-${index}`}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(([row, errors]) => {
                const cells = file.rows.get(row) ?? [];
                const wrong = new Set(errors.map((error) => error.column));
                return (
                  <tr key={row} className="row-error">
                    <th scope="row">{row}</th>
                    <td>{errors[0]?.line ?? ''}</td>
                    <td>
                      <ul className="row-problems">
                        {errors.map((error) => (
                          <li key={`${error.column}:${error.code}:${error.message}`}>
                            {error.column ? <strong>{error.column}</strong> : 'row'}: {error.message}
                          </li>
                        ))}
                      </ul>
                    </td>
                    {file.columns.map((column, index) => (
                      <td
                        // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                        key={`${column}-${index}`}
                        className={wrong.has(column) ? 'cell-error' : undefined}
                      >
                        {cells[index] ?? ''}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
