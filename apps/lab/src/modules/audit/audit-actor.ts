import type { FastifyRequest } from 'fastify';
import type { AuditInput } from './audit.repository.ts';

/** Who did it and from where: the attribution every audit entry carries. */
export type AuditActor = Pick<AuditInput, 'actor_id' | 'actor_email' | 'request_id' | 'client_ip'>;

/** The signed-in caller of a request. */
export function actorOf(request: FastifyRequest): AuditActor {
  return {
    actor_id: request.principal.id,
    actor_email: request.principal.email,
    request_id: request.id,
    client_ip: request.ip,
  };
}

/** A caller not (yet) signed in: the e-mail they claimed, if any, is recorded as given, bounded. */
export function claimantOf(request: FastifyRequest, claimedEmail?: string): AuditActor {
  return {
    actor_id: null,
    actor_email: claimedEmail ? claimedEmail.trim().toLowerCase().slice(0, 254) : null,
    request_id: request.id,
    client_ip: request.ip,
  };
}

/** The same caller, once identified (e.g. after a password check). */
export function identified(actor: AuditActor, user: { id: string; email: string }): AuditActor {
  return { ...actor, actor_id: user.id, actor_email: user.email };
}
