import type { FastifyInstance } from 'fastify';
import type { LabContext } from '../../context.ts';

/** Labels (SVG, PNG, PDF sheets) and CSV import/export of samples (filled in by issue 5). */
export async function sampleFileRoutes(_scope: FastifyInstance, _ctx: LabContext): Promise<void> {}
