/** What a database span says about a statement: never a value it carries. */
export interface StatementSummary {
  /** The statement with every literal replaced by `?` (placeholders such as `$1` kept). */
  text: string;
  /** The first keyword, upper-cased: SELECT, INSERT, BEGIN… */
  operation: string;
  /** The first table the statement reads or writes, when one is plain to see. */
  table: string | undefined;
}

// One pass over the text: identifiers and placeholders are kept, literals become `?`. Alternatives
// in order: quoted identifier, E'…' string, '…' string, dollar-quoted string, placeholder, bare
// word, number.
const tokens =
  /("(?:[^"]|"")*")|([Ee]'(?:[^'\\]|\\.|'')*')|('(?:[^']|'')*')|(\$([A-Za-z_]\w*)?\$[\s\S]*?\$\5\$)|(\$\d+)|([A-Za-z_][\w$]*)|(\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b|\B\.\d+\b)/g;
// A table after FROM, INTO, UPDATE or JOIN: quoted (as Kysely writes them), or bare and not a
// function call (`from jsonb_to_recordset(…)`).
const quotedTable = /\b(?:from|into|update|join)\s+("(?:[^"]|"")+"(?:\."(?:[^"]|"")+")?)/i;
const bareTable = /\b(?:from|into|update|join)\s+([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)(?![\w$.(])/i;
const maxTextLength = 4_096;

/**
 * Statement text safe to record: string, dollar-quoted and numeric literals become `?`. Statements
 * compiled with placeholders keep their shape; statements with values inlined (the one-trip scopes
 * inline theirs, see db/one-trip.ts) lose the values. Long texts are cut.
 */
export function sanitizeSql(sql: string): string {
  const text = sql.replace(tokens, (match, quotedIdent, _e, _s, _dollar, _tag, placeholder, word) =>
    quotedIdent || placeholder || word ? match : '?',
  );
  return text.length > maxTextLength ? `${text.slice(0, maxTextLength)}…` : text;
}

const cache = new Map<string, StatementSummary>();

/** Summarises a statement (memoised: the same texts come back all the time). */
export function summarizeStatement(sql: string): StatementSummary {
  const known = cache.get(sql);
  if (known) return known;
  const text = sanitizeSql(sql);
  const operation = /^\s*\(?\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  // Quoted names first: a bare `from` also appears inside expressions (`extract(epoch from t.at)`).
  const table = (quotedTable.exec(text) ?? bareTable.exec(text))?.[1]?.replaceAll('"', '');
  const summary = { text, operation, table };
  // Statements with inlined values are each new: a bounded memo, dropped whole when full.
  if (cache.size >= 2_000) cache.clear();
  cache.set(sql, summary);
  return summary;
}
