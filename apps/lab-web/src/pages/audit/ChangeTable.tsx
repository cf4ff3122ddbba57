import { entryDiff } from './entry-diff.ts';

const kindLabel = { added: 'added', removed: 'removed', changed: 'changed', unchanged: 'same' } as const;

/**
 * An entry's before/after side by side, one row per field: added fields green, removed red, and a
 * changed field's old value red beside its new value green. The kind is also written out, so the
 * change never depends on colour alone.
 */
export function ChangeTable({
  before,
  after,
  caption,
}: {
  before: unknown;
  after: unknown;
  caption: string;
}) {
  const changes = entryDiff(before, after);
  if (changes.length === 0) return <p>This entry records no field values.</p>;
  return (
    <div className="table-wrap">
      <table className="data diff-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Change</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr
              key={change.field}
              className={
                change.kind === 'added'
                  ? 'diff-added'
                  : change.kind === 'removed'
                    ? 'diff-removed'
                    : undefined
              }
            >
              <th scope="row">
                <code>{change.field}</code>
              </th>
              <td>{kindLabel[change.kind]}</td>
              <td className={change.kind === 'changed' ? 'diff-removed' : undefined}>
                {change.before === undefined ? (
                  <span className="diff-none">—</span>
                ) : (
                  <Value text={change.before} />
                )}
              </td>
              <td className={change.kind === 'changed' ? 'diff-added' : undefined}>
                {change.after === undefined ? (
                  <span className="diff-none">—</span>
                ) : (
                  <Value text={change.after} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Value({ text }: { text: string }) {
  return <span className="diff-value">{text}</span>;
}
