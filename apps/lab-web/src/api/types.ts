import type { paths } from './lab-api.generated.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON answer of a GET (200) at `P`. */
export type GetReply<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? Json<R>
  : never;

/** The JSON body a POST at `P` takes. */
export type PostBody<P extends keyof paths> = paths[P] extends {
  post: { requestBody?: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

/** The query parameters a GET at `P` takes. */
export type GetQuery<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;
