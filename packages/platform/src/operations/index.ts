export {
  type BackupOutcome,
  type RestoreOutcome,
  serviceBackupCommand,
  serviceRestoreCommand,
} from './backup-commands.ts';
export {
  type BackupManifest,
  type BackupPart,
  type BackupRole,
  manifestFormat,
  openVerifiedArchive,
  sha256OfFile,
  type VerifiedArchive,
} from './backup-manifest.ts';
export { type ArchivePart, assertOutFree, writeBackupArchive } from './backup-writer.ts';
export {
  type Check,
  CheckFailure,
  type CheckOutcome,
  type CheckReport,
  type CheckResult,
  type CheckStatus,
  fail,
  formatReport,
  pass,
  printReport,
  runChecks,
  skip,
  warn,
} from './check-runner.ts';
export { type DatabaseDump, dumpDatabase, restoreDatabase, rowCountDifferences } from './database-backup.ts';
export {
  clockSkewOutcome,
  jobSchedulesOutcome,
  type MigrationStatus,
  migrationFiles,
  migrationStatus,
  migrationsOutcome,
  rowLevelSecurityOutcome,
  runtimeRoleOutcome,
} from './database-checks.ts';
export { type DatabaseInspection, openInspection } from './database-inspection.ts';
export {
  type DatabaseCheckRun,
  type DoctorDatabaseChecks,
  type DoctorDatabaseOptions,
  doctorDatabaseChecks,
} from './doctor-database-checks.ts';
export { type ProbeResult, probeHttp } from './http-probe.ts';
export { formatBytes, runOperation } from './operation-command.ts';
export { OperationError } from './operation-error.ts';
export { libpqEnv, requireToolFor } from './pg-tools.ts';
export { storageOutcome } from './storage-check.ts';
export { extractTarEntry, readTarIndex, type TarEntry, type TarSource, writeTar } from './tar-archive.ts';
