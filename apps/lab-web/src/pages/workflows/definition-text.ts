/**
 * A definition as people read and edit it: JSON, two spaces, fields in the order the format is
 * explained in (name, parameters, devices, steps; a step's id and type first). The server keeps a
 * definition as PostgreSQL jsonb, which answers its fields in its own order (shortest name first).
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const documentOrder = ['name', 'description', 'parameters', 'devices', 'steps', 'on_abort'];
const parameterOrder = ['type', 'description', 'unit', 'minimum', 'maximum', 'values', 'default'];
const deviceOrder = ['kind', 'description'];
const stepOrder = [
  'id',
  'name',
  'type',
  'role',
  'action',
  'args',
  'timeout_s',
  'seconds',
  'source',
  'critical',
  'max_iterations',
  'until',
  'if',
  'then',
  'else',
  'steps',
  'approver_role',
  'meaning',
  'instructions',
  'result',
  'value',
  'unit',
];
// A loop's timeout reads best beside its other bound.
const loopOrder = ['id', 'name', 'type', 'max_iterations', 'timeout_s', 'until', 'steps'];

function ordered(value: Json, order: readonly string[]): Json {
  const keys = [
    ...order.filter((key) => Object.hasOwn(value, key)),
    ...Object.keys(value).filter((key) => !order.includes(key)),
  ];
  return Object.fromEntries(keys.map((key) => [key, value[key]]));
}

const mapValues = (value: unknown, each: (item: Json) => Json): unknown =>
  isObject(value)
    ? Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, isObject(item) ? each(item) : item]),
      )
    : value;

function readableSteps(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((step) => {
    if (!isObject(step)) return step;
    const nested: Json = { ...step };
    for (const key of ['steps', 'then', 'else']) if (key in nested) nested[key] = readableSteps(nested[key]);
    return ordered(nested, step.type === 'loop' ? loopOrder : stepOrder);
  });
}

/** The definition's fields in reading order (values unchanged: the same document, the same hash). */
export function readableDefinition(definition: unknown): unknown {
  if (!isObject(definition)) return definition;
  return ordered(
    {
      ...definition,
      parameters: mapValues(definition.parameters, (item) => ordered(item, parameterOrder)),
      devices: mapValues(definition.devices, (item) => ordered(item, deviceOrder)),
      steps: readableSteps(definition.steps),
      ...(definition.on_abort === undefined ? {} : { on_abort: readableSteps(definition.on_abort) }),
    },
    documentOrder,
  );
}

/** A definition as the editor shows it. */
export const definitionText = (definition: unknown) =>
  JSON.stringify(readableDefinition(definition), null, 2);
