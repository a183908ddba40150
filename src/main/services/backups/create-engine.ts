/**
 * Builds the engine of a profile's backup target, resolving its password
 * from the vault at the moment of use. This is the only place a backup's
 * password is read; the engines keep it out of argv and messages. It is
 * released only to the target's own host:port (its vault scope decides).
 */
import type { BackupTargetConfig } from '../profile/backups-schema';
import { hostDestination } from '../vault/destination';
import type { SecretResolver } from '../vault/secrets';
import type { BackupEngine, BackupEngineName, OfflineVerifier, RestoreEngine } from './backup-engine';
import { MongoBackupEngine, verifyMongoDump } from './mongo-backup';
import { PostgresBackupEngine, verifyPostgresDump } from './postgres-backup';
import { RedisBackupEngine, verifyRedisDump } from './redis-backup';

export interface EngineOptions {
  /** Directory of pg_dump / pg_restore when they are not on PATH. */
  pgBinDir?: string;
}

export function createBackupEngine(target: BackupTargetConfig, secrets: SecretResolver, options: EngineOptions = {}): BackupEngine & Partial<RestoreEngine> {
  const password = target.password ? secrets.get(target.password.secret, hostDestination(target.url)) : undefined;
  switch (target.engine) {
    case 'postgres':
      return new PostgresBackupEngine({ url: target.url, password, ...(options.pgBinDir ? { binDir: options.pgBinDir } : {}) });
    case 'redis':
      return new RedisBackupEngine({ url: target.url, password });
    case 'mongodb':
      return new MongoBackupEngine({ url: target.url, password, ...(target.databases ? { databases: target.databases } : {}), gzip: target.gzip });
  }
}

/** Whether the engine can also put a backup back (PostgreSQL, Redis and MongoDB all can; checked, not assumed). */
export function canRestore(engine: BackupEngine & Partial<RestoreEngine>): engine is BackupEngine & RestoreEngine {
  return typeof engine.restore === 'function';
}

/** The offline checks of every engine: what `flightdeck backup verify DIR` and a restore run first. */
export const OFFLINE_VERIFIERS: Record<BackupEngineName, OfflineVerifier> = {
  postgres: verifyPostgresDump,
  redis: verifyRedisDump,
  mongodb: verifyMongoDump,
};
