import { Type } from 'typebox';

const Code = Type.Union([Type.Literal('datamatrix'), Type.Literal('qr')], {
  default: 'datamatrix',
  description: 'The 2D code: DataMatrix (ECC 200) or QR. It encodes `<business id>|<uuid>`.',
});

export const LabelQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('svg'), Type.Literal('png')], { default: 'svg' })),
    code: Type.Optional(Code),
  },
  { additionalProperties: false },
);

export const LabelSheetBody = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      minItems: 1,
      maxItems: 200,
      description: 'Sample uuids or business ids, in print order (a repeated id prints twice)',
    }),
    code: Type.Optional(Code),
  },
  { additionalProperties: false },
);

// Binary and text bodies: typed loosely so a reply may send a Buffer or a stream.
export const LabelImage: Record<string, unknown> = {
  description: 'The label: the code beside the business id, type, quantity with unit and created date',
  content: {
    'image/svg+xml': { schema: Type.String() },
    'image/png': { schema: Type.String({ format: 'binary' }) },
  },
};

export const LabelSheetPdf: Record<string, unknown> = {
  description: 'An A4 PDF of 3 x 8 labels (70 x 37 mm) per page',
  content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } },
};
