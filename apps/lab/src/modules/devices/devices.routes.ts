import type { FastifyInstance } from 'fastify';
import type { LabContext } from '../../context.ts';

/** The devices and calibration routes (filled in by issue 5). */
export async function deviceRoutes(_scope: FastifyInstance, _ctx: LabContext): Promise<void> {}
