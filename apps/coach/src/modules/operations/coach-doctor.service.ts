import {
  type CheckReport,
  clockSkewOutcome,
  doctorDatabaseChecks,
  jobSchedulesOutcome,
  runChecks,
} from '@ours/platform/operations';
import type { CoachConfig } from '../../config.ts';
import { migrationsDir } from '../../create-context.ts';
import { jobSchedules } from '../jobs/index.ts';
import { coachSecretsOutcome, modelEndpointOutcome } from './coach-checks.ts';
import { coachRlsTables } from './coach-rls-tables.ts';

export interface CoachDoctorOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The coach's operations checklist (see the lab's doctor for how the checks depend on each other). */
export function coachDoctor(config: CoachConfig, options: CoachDoctorOptions): Promise<CheckReport> {
  const database = doctorDatabaseChecks({
    database: config.database,
    http: config.http,
    service: 'coach',
    server: 'coach',
    runtimeRole: 'authenticator',
    migrationsDir,
    rlsTables: coachRlsTables,
    // The admin routes switch into Supabase's service_role, which bypasses RLS by design.
    bypassAllowed: ['service_role'],
  });
  const { needsDatabase, needsSchema } = database;
  return runChecks(
    [
      ...database.checks,
      { name: 'secrets', run: () => coachSecretsOutcome(config, options.env) },
      { name: 'clock skew', run: needsDatabase((db) => clockSkewOutcome(db.runtimeLogin ?? db.admin)) },
      { name: 'model endpoint', run: () => modelEndpointOutcome(config) },
      {
        name: 'job schedules',
        run: needsSchema((db) => jobSchedulesOutcome(db.admin, jobSchedules, 'coach')),
      },
    ],
    { timeoutMs: options.timeoutMs },
  ).finally(() => database.close());
}
