import { Type } from 'typebox';

/**
 * The house error body, published once as the `ErrorBody` component of the OpenAPI document (the
 * error handler is the only writer). Clients branch on `code`; `message` is for people.
 */
export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'Stable and machine-readable: branch on this' }),
        message: Type.String({ description: 'For people; may change' }),
        details: Type.Optional(
          Type.Unknown({ description: 'Data about the problem, e.g. [{ field, problem }] on validation' }),
        ),
        request_id: Type.Optional(
          Type.String({ description: 'On 5xx only: quote it when reporting the problem' }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  {
    $id: 'ErrorBody',
    additionalProperties: false,
    description: 'An error: branch on `error.code`; `error.message` is for people',
  },
);
export type ErrorBody = Type.Static<typeof ErrorBody>;

/** The statuses a route may answer with the house error body. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 423 | 429 | 500 | 503;

// A reference, so the document lists the shape once and generated clients get one named type;
// typed as the body itself so handlers' reply types stay exact.
const errorBodyRef = Type.Unsafe<ErrorBody>(Type.Ref('ErrorBody'));

/**
 * The error responses a route declares, all with the one house body: `errorResponses(400, 404)`
 * gives `{ 400: ErrorBody, 404: ErrorBody }` to spread into `schema.response`.
 */
export function errorResponses<const Statuses extends readonly ErrorStatus[]>(
  ...statuses: Statuses
): { [Status in Statuses[number]]: typeof errorBodyRef } {
  // Object.fromEntries types its keys as string; the keys are exactly `statuses`.
  return Object.fromEntries(statuses.map((status) => [status, errorBodyRef])) as {
    [Status in Statuses[number]]: typeof errorBodyRef;
  };
}
