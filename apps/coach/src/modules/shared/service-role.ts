import type { RequestClaims } from '@ours/platform/db';

/**
 * The coach acting for itself (jobs, the /ask log, erasure): PostgreSQL's `service_role`, which
 * bypasses row-level security, as Supabase's own server-side writes do.
 */
export const serviceRole: RequestClaims = { role: 'service_role' };

/** Who signs the coach's own service-role tokens (`npm run coach -- token --service`, tests). */
export const serviceTokenIssuer = 'strukt-coach';

/** What a Supabase project's own service-role key says as its issuer (its user tokens name the auth URL). */
export const supabaseServiceKeyIssuer = 'supabase';
