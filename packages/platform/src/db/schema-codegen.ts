import type { PGlite } from '@electric-sql/pglite';
import { migrate, pgliteMigrationClient } from './migrate.ts';
import { openPglite } from './pglite-database.ts';

/** What to generate row types from, and where. */
export interface SchemaCodegenOptions {
  migrationsDir: string;
  /** Schemas whose tables and views become types; `public` tables are keyed by bare name. */
  schemas: string[];
  /** `table.column` → a TypeScript type, where the database cannot say more (JSON shapes). */
  overrides?: Record<string, string>;
  /** Shown in the header: the command that regenerates the file. */
  command: string;
}

interface ColumnInfo {
  schema: string;
  table: string;
  column: string;
  type: string;
  element: string | null;
  nullable: boolean;
  has_default: boolean;
}

interface CheckInfo {
  schema: string;
  table: string;
  column: string;
  definition: string;
}

const columnsQuery = `
  select n.nspname as schema, c.relname as table, a.attname as column,
    coalesce(bt.typname, t.typname) as type,
    case when coalesce(bt.typcategory, t.typcategory) = 'A' then et.typname end as element,
    not a.attnotnull or c.relkind = 'v' as nullable,
    a.atthasdef or a.attidentity <> '' or a.attgenerated <> '' as has_default
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join pg_namespace n on n.oid = c.relnamespace
  join pg_type t on t.oid = a.atttypid
  left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
  left join pg_type et on et.oid = coalesce(bt.typelem, t.typelem)
  where c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped
    and n.nspname = any($1::text[]) and c.relname <> 'schema_migrations'
  order by n.nspname, c.relname, a.attnum`;

const checksQuery = `
  select n.nspname as schema, c.relname as table, a.attname as column, pg_get_constraintdef(k.oid) as definition
  from pg_constraint k
  join pg_class c on c.oid = k.conrelid
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
  where k.contype = 'c' and cardinality(k.conkey) = 1 and n.nspname = any($1::text[])
  order by k.conname`;

const scalarTypes: Record<string, string> = {
  bool: 'boolean',
  int2: 'number',
  int4: 'number',
  oid: 'number',
  float4: 'number',
  float8: 'number',
  int8: 'Int8',
  numeric: 'Numeric',
  timestamptz: 'Timestamp',
  timestamp: 'Timestamp',
  json: 'Json',
  jsonb: 'Json',
  bytea: 'Uint8Array',
};
const textTypes = new Set([
  'text',
  'varchar',
  'bpchar',
  'char',
  'name',
  'uuid',
  'citext',
  'date',
  'time',
  'timetz',
  'interval',
  'inet',
  'cidr',
  'tsvector',
  'vector',
  'xid8',
]);

function scalarType(name: string): string {
  return scalarTypes[name] ?? (textTypes.has(name) ? 'string' : 'unknown');
}

/**
 * The literal union a `CHECK (col IN ('a', 'b'))` constraint allows (PostgreSQL stores it as
 * `CHECK ((col = ANY (ARRAY['a'::text, 'b'::text])))`), or undefined for any other check.
 */
export function checkedLiterals(definition: string): string[] | undefined {
  const match =
    /^CHECK \(\(?\(?"?[\w]+"?\)?(?:::text)? = (?:ANY \(\(?ARRAY\[(.*)\]\)?(?:::text\[\])?\)|('(?:[^']|'')*'::(?:text|character varying)))\)\)?$/.exec(
      definition,
    );
  if (!match) return undefined;
  const list = match[1] ?? match[2] ?? '';
  const literals = [...list.matchAll(/'((?:[^']|'')*)'::(?:text|character varying)/g)].map((m) =>
    (m[1] ?? '').replaceAll("''", "'"),
  );
  return literals.length > 0 ? literals : undefined;
}

/** `Json<JsonObject>` (or an array) when a `CHECK (jsonb_typeof(col) = 'object')` constraint says so. */
export function checkedJsonShape(definition: string): string | undefined {
  const match = /^CHECK \(\(jsonb?_typeof\("?[\w]+"?\) = '(object|array)'::text\)\)$/.exec(definition);
  if (!match) return undefined;
  return match[1] === 'object' ? 'Json<JsonObject>' : 'Json<JsonValue[]>';
}

function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/** Renders the generated module: one interface per table or view, and the `DB` map Kysely takes. */
export function renderSchema(
  columns: ColumnInfo[],
  checks: CheckInfo[],
  options: SchemaCodegenOptions,
): string {
  const unions = new Map<string, string[]>();
  const jsonShapes = new Map<string, string>();
  for (const check of checks) {
    const key = `${check.schema}.${check.table}.${check.column}`;
    const literals = checkedLiterals(check.definition);
    if (literals) unions.set(key, literals);
    const shape = checkedJsonShape(check.definition);
    if (shape) jsonShapes.set(key, shape);
  }
  const tables = new Map<string, ColumnInfo[]>();
  for (const column of columns) {
    const key = column.schema === 'public' ? column.table : `${column.schema}.${column.table}`;
    tables.set(key, [...(tables.get(key) ?? []), column]);
  }
  const used = new Set<string>();
  const blocks: string[] = [];
  const entries: string[] = [];
  for (const [key, tableColumns] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
    const typeName = pascal(key.replace('.', '_'));
    entries.push(`  ${propertyName(key)}: ${typeName};`);
    const lines = tableColumns.map((column) => {
      const qualified = `${column.schema}.${column.table}.${column.column}`;
      const override = options.overrides?.[`${key}.${column.column}`];
      const literals = unions.get(qualified);
      let type =
        override ??
        jsonShapes.get(qualified) ??
        (literals
          ? literals
              .map((literal) => `'${literal.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`)
              .join(' | ')
          : column.element
            ? `${scalarType(column.element)}[]`
            : scalarType(column.type));
      for (const helper of ['Int8', 'Numeric', 'Timestamp', 'Json', 'JsonObject', 'JsonValue']) {
        if (new RegExp(`\\b${helper}\\b`).test(type)) used.add(helper);
      }
      if (column.nullable) type = `${type} | null`;
      if (column.has_default) {
        used.add('Generated');
        type = `Generated<${type}>`;
      }
      return `  ${propertyName(column.column)}: ${type};`;
    });
    blocks.push(`export interface ${typeName} {\n${lines.join('\n')}\n}`);
  }
  const platformTypes = [
    'Generated',
    'Int8',
    'Json',
    'JsonObject',
    'JsonValue',
    'Numeric',
    'Timestamp',
  ].filter((name) => used.has(name));
  const imports =
    platformTypes.length > 0 ? [`import type { ${platformTypes.join(', ')} } from '@ours/platform/db';`] : [];
  return [
    `// Generated by \`${options.command}\` from the migrated schema: do not edit.`,
    '// Row types for Kysely; value rules (numbers, timestamps, JSON) in packages/platform/src/db/type-parsers.ts.',
    ...imports,
    '',
    blocks.join('\n\n'),
    '',
    `export interface DB {\n${entries.join('\n')}\n}`,
    '',
  ].join('\n');
}

/** Reads the catalog of a migrated database. */
export async function introspect(
  client: PGlite,
  schemas: string[],
): Promise<{ columns: ColumnInfo[]; checks: CheckInfo[] }> {
  const columns = (await client.query<ColumnInfo>(columnsQuery, [schemas])).rows;
  const checks = (await client.query<CheckInfo>(checksQuery, [schemas])).rows;
  return { columns, checks };
}

/** Migrates a scratch in-memory database with the app's migrations and renders its row types. */
export async function generateSchemaTypes(options: SchemaCodegenOptions): Promise<string> {
  const client = await openPglite('memory://');
  try {
    await migrate(pgliteMigrationClient(client), options.migrationsDir, 'migrations:codegen');
    const { columns, checks } = await introspect(client, options.schemas);
    return renderSchema(columns, checks, options);
  } finally {
    await client.close();
  }
}
