/**
 * The `backups:` section of a deployment profile: the databases the
 * "Database backup created" item backs up, where the files go and how long
 * they are kept. Like probes, a target's URL never carries a password (it
 * would be shown, logged and journaled with it): the password is a vault
 * secret named beside it.
 */
import { z } from 'zod';
import { SecretRefSchema } from './secret-ref';

const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be letters, digits, "_", "." or "-" (at most 64)');

/** `scheme://user:password@host` is refused; `scheme://user@host` is fine. */
function urlOf(schemes: RegExp, example: string) {
  return z
    .string()
    .max(4096)
    .regex(schemes, `must be a ${example} URL`)
    .refine((url) => !/^[a-z+]+:\/\/[^/@]*:[^/@]*@/i.test(url), 'must not carry user:password@; name the password as password: { secret: NAME }');
}

const RetentionSchema = z
  .object({
    /** Keep this many complete backups of the target (the newest); older ones are removed after a verified backup. */
    keep: z.number().int().min(1).max(10_000).nullable().default(null),
    /** Remove complete backups older than this many days after a verified backup. */
    maxAgeDays: z.number().min(0).max(36_500).nullable().default(null),
  })
  .strict();

const common = {
  name: Name,
  password: SecretRefSchema.optional(),
  /** Backup root; relative to the profile file; default <data dir>/backups. */
  dir: z.string().min(1).max(4096).optional(),
  retention: RetentionSchema.default({ keep: null, maxAgeDays: null }),
  /** Deadline of the whole backup (dump, verification, manifest). */
  timeoutSeconds: z.number().min(1).max(86_400).default(3600),
  /** Also load the backup into a scratch database or server and compare counts. */
  restoreTest: z.boolean().default(false),
  /** Text of the checklist item the backup satisfies (default: "Database backup created" and its like). */
  item: z.string().min(1).max(500).optional(),
};

export const PostgresBackupSchema = z.object({ ...common, engine: z.literal('postgres'), url: urlOf(/^postgres(ql)?:\/\//, 'postgres://') }).strict();

export const RedisBackupSchema = z.object({ ...common, engine: z.literal('redis'), url: urlOf(/^redis:\/\//, 'redis://') }).strict();

export const MongoBackupSchema = z
  .object({
    ...common,
    engine: z.literal('mongodb'),
    url: urlOf(/^mongodb(\+srv)?:\/\//, 'mongodb://'),
    /** Databases to back up; all but admin, local and config when absent. */
    databases: z.array(z.string().min(1).max(64)).min(1).optional(),
    /** Gzip each .bson and .metadata.json (mongorestore --gzip). */
    gzip: z.boolean().default(false),
  })
  .strict();

export const BackupTargetSchema = z.discriminatedUnion('engine', [PostgresBackupSchema, RedisBackupSchema, MongoBackupSchema]);
export type BackupTargetConfig = z.infer<typeof BackupTargetSchema>;
