import { parseArgs } from 'node:util';
import { type CliCommand, UsageError } from '../cli/commands.ts';
import type { BackupManifest } from './backup-manifest.ts';
import { type CheckReport, formatReport, printReport } from './check-runner.ts';
import { formatBytes, runOperation } from './operation-command.ts';

/** What a service's backup answers. */
export interface BackupOutcome<Manifest extends BackupManifest<object>> {
  manifest: Manifest;
  bytes: number;
  ms: number;
}

/** What a service's restore answers: its verification report and the roles it had to create. */
export interface RestoreOutcome {
  report: CheckReport;
  createdRoles: string[];
  ms: number;
}

/**
 * `backup --out <file> [--json]`: the manifest on stdout with --json, the summary on stderr (so
 * --json output stays parseable); `details` adds the service's own summary lines.
 */
export function serviceBackupCommand<Manifest extends BackupManifest<object>>(spec: {
  summary: string;
  help: string;
  /** Reads the configuration and writes the archive (inside the refusal handler, as the whole run is). */
  backup(out: string): Promise<BackupOutcome<Manifest>>;
  details?(manifest: Manifest): string[];
}): CliCommand {
  return {
    name: 'backup',
    summary: spec.summary,
    help: spec.help,
    run: async (args) => {
      const { values } = parseArgs({
        args,
        options: { out: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      if (!values.out) throw new UsageError('--out <file> is required');
      const out = values.out;
      await runOperation('backup', async () => {
        const { manifest, bytes, ms } = await spec.backup(out);
        if (values.json) process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
        console.error(
          [
            `Backup written to ${out} (${formatBytes(bytes)}) in ${(ms / 1000).toFixed(1)} s`,
            `  database        ${manifest.database.method}, ${manifest.database.engine} ${manifest.database.server_version}`,
            `  schema version  ${manifest.schema_version}`,
            `  rows            ${Object.values(manifest.tables).reduce((sum, n) => sum + n, 0)} in ${Object.keys(manifest.tables).length} tables`,
            ...(spec.details?.(manifest) ?? []),
          ].join('\n'),
        );
      });
    },
  };
}

/**
 * `restore --from <file> [--json]`: prints the verification report (JSON with --json) and the roles
 * it created; exit code 1 unless every verification passed.
 */
export function serviceRestoreCommand(spec: {
  summary: string;
  help: string;
  restore(from: string): Promise<RestoreOutcome>;
}): CliCommand {
  return {
    name: 'restore',
    summary: spec.summary,
    help: spec.help,
    run: async (args) => {
      const { values } = parseArgs({
        args,
        options: { from: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      if (!values.from) throw new UsageError('--from <file> is required');
      const from = values.from;
      await runOperation('restore', async () => {
        const result = await spec.restore(from);
        if (values.json) printReport(result.report, true);
        else {
          console.log(formatReport(result.report));
          if (result.createdRoles.length > 0) {
            console.log(
              `Created roles this cluster lacked: ${result.createdRoles.join(', ')} (without passwords: ALTER ROLE <name> PASSWORD '...' for each that logs in)`,
            );
          }
        }
        if (!result.report.ok) {
          console.error(
            "restore FAILED verification: the restored data does not match the backup's manifest; do not use it",
          );
          process.exitCode = 1;
          return;
        }
        console.error(`Restored ${from} in ${(result.ms / 1000).toFixed(1)} s and verified it.`);
      });
    },
  };
}
