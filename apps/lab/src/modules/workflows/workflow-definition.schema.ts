import { type Static, type TSchema, Type } from 'typebox';
import { instrumentKindNames } from '../instruments/index.ts';

/**
 * The one workflow definition format (JSON; YAML is accepted as another encoding of the same
 * document). Each step type is declared once here: the validator checks a step against its own
 * type's schema (so a problem is reported for the step type the author meant, not for every type it
 * is not), and the published document schema is these same pieces joined by a cyclic reference.
 */
const Identifier = (description: string) => Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description });
const Expression = (description: string) => Type.String({ minLength: 1, maxLength: 2000, description });
const description = Type.Optional(Type.String({ maxLength: 2000 }));

/** An argument or recorded value: a JSON literal, or `{ "expr": "<CEL>" }` computed at run time. */
export const ValueOrExpression = Type.Union([
  Type.Number(),
  Type.Boolean(),
  Type.String({ maxLength: 2000 }),
  Type.Object(
    { expr: Expression('CEL expression, e.g. params.voltage * 2.0') },
    { additionalProperties: false },
  ),
]);

export const Parameter = Type.Object(
  {
    type: Type.Union(
      (['number', 'integer', 'string', 'boolean', 'enum'] as const).map((name) => Type.Literal(name)),
      { description: 'number (a double in expressions), integer, string, boolean, or enum (of `values`)' },
    ),
    description,
    unit: Type.Optional(Type.String({ maxLength: 40 })),
    minimum: Type.Optional(Type.Number()),
    maximum: Type.Optional(Type.Number()),
    values: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 100 })),
    default: Type.Optional(Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 2000 })])),
  },
  { additionalProperties: false },
);

export const DeviceRole = Type.Object(
  {
    kind: Type.Union(
      instrumentKindNames.map((name) => Type.Literal(name)),
      { description: 'the kind of instrument the role needs' },
    ),
    description,
  },
  { additionalProperties: false },
);

const stepBase = {
  id: Identifier('unique in the whole definition; expressions read results as steps.<id>.<output>'),
  name: Type.Optional(Type.String({ maxLength: 200 })),
};
// Nested step lists are checked step by step with their own type's schema (see the validator).
const NestedSteps = <T extends TSchema>(item: T) => Type.Array(item, { minItems: 1, maxItems: 1000 });

const stepTypes = <T extends TSchema>(nested: T) => ({
  instrument: Type.Object(
    {
      ...stepBase,
      type: Type.Literal('instrument'),
      role: Identifier('a role of `devices`'),
      action: Identifier("an action of the role's instrument kind"),
      args: Type.Optional(Type.Record(Type.String(), ValueOrExpression)),
      timeout_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
    },
    { additionalProperties: false },
  ),
  wait: Type.Object(
    {
      ...stepBase,
      type: Type.Literal('wait'),
      seconds: Type.Union([Type.Number({ minimum: 0, maximum: 86_400 }), ValueOrExpression]),
    },
    { additionalProperties: false },
  ),
  loop: Type.Object(
    {
      ...stepBase,
      type: Type.Literal('loop'),
      steps: NestedSteps(nested),
      until: Expression('CEL condition checked after each pass; the loop ends when it is true'),
      max_iterations: Type.Integer({ minimum: 1, maximum: 100_000 }),
      timeout_s: Type.Number({ exclusiveMinimum: 0, maximum: 7 * 86_400 }),
    },
    { additionalProperties: false },
  ),
  condition: Type.Object(
    {
      ...stepBase,
      type: Type.Literal('condition'),
      if: Expression('CEL condition'),
      // biome-ignore lint/suspicious/noThenProperty: a field of the document (if/then/else), never awaited
      then: NestedSteps(nested),
      else: Type.Optional(NestedSteps(nested)),
    },
    { additionalProperties: false },
  ),
  analyze: Type.Object(
    {
      ...stepBase,
      type: Type.Literal('analyze'),
      source: Identifier('the earlier instrument step whose data is analysed'),
      critical: Type.Optional(Type.Boolean({ description: 'fail the run when the analysis is unavailable' })),
      timeout_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60 })),
    },
    { additionalProperties: false },
  ),
  approval: Type.Object(
    {
      ...stepBase,
      type: Type.Literal('approval'),
      approver_role: Type.String({ minLength: 1, maxLength: 100, description: 'the role that signs' }),
      meaning: Type.Optional(Type.String({ maxLength: 100, description: 'what the signature means' })),
      instructions: description,
    },
    { additionalProperties: false },
  ),
  record: Type.Object(
    {
      ...stepBase,
      type: Type.Literal('record'),
      result: Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'the name the value is stored under',
      }),
      value: ValueOrExpression,
      unit: Type.Optional(Type.String({ maxLength: 40 })),
    },
    { additionalProperties: false },
  ),
});

export const stepTypeNames = [
  'instrument',
  'wait',
  'loop',
  'condition',
  'analyze',
  'approval',
  'record',
] as const;
export type StepTypeName = (typeof stepTypeNames)[number];

/** Each step type's schema with its nested steps left open: the validator checks those one by one. */
export const stepSchemas = stepTypes(Type.Unknown());

const definitionFields = {
  name: Type.String({
    pattern: '^[a-z0-9][a-z0-9-]{1,62}$',
    description: 'lower-case letters, digits and -',
  }),
  description,
  parameters: Type.Optional(
    Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }), Parameter, {
      additionalProperties: false,
    }),
  ),
  devices: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }), DeviceRole, {
    additionalProperties: false,
  }),
};

/** A definition with its step lists left open: the validator walks those step by step. */
export const DefinitionHeader = Type.Object(
  {
    ...definitionFields,
    steps: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1000 }),
    on_abort: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 100 })),
  },
  { additionalProperties: false },
);

/** The published schema of a whole definition (JSON Schema 2020-12, steps by cyclic reference). */
export const WorkflowDefinitionSchema = Type.Cyclic(
  {
    Step: Type.Union(Object.values(stepTypes(Type.Ref('Step')))),
    Definition: Type.Object(
      {
        ...definitionFields,
        steps: NestedSteps(Type.Ref('Step')),
        on_abort: Type.Optional(Type.Array(Type.Ref('Step'), { maxItems: 100 })),
      },
      { additionalProperties: false },
    ),
  },
  'Definition',
  { title: 'POLYMORPH-LITE workflow definition' },
);

export type WorkflowDefinition = Static<typeof WorkflowDefinitionSchema>;
export type Step = Static<(typeof stepSchemas)[StepTypeName]>;
export type ParameterSpec = Static<typeof Parameter>;
