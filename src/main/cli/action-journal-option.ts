/**
 * Opens the journal a CLI action is recorded in: the session named by
 * --session, the action log named by --log, or else, where the command may
 * start one, a fresh action log under the data directory. One place, so
 * that the flag, backup and rollback commands record their actions the same
 * way and say where in the same words.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { defaultDataDir } from '../app/paths';
import type { ActionJournal } from '../services/actions/action-journal';
import { ActionLog } from '../services/flags/action-log';
import { Session } from '../services/session/session';
import type { PayloadRedactor } from '../services/vault/secrets';
import { EnvSecretResolver, envRedactor } from './env-secrets';
import { UsageError } from './io';

export interface OpenedJournal {
  journal: ActionJournal;
  /** "session DIR" or "log DIR", for the command's output. */
  where: string;
  close: () => void;
}

/**
 * `newLogPrefix` names a fresh log's folder (`<prefix><time>-<random>`);
 * null for a command that only works on a journal that already exists.
 * Entries are redacted with `redactor`, by default one that knows every
 * FLIGHTDECK_SECRET_* value, so a backend's answer quoting a secret is
 * never written.
 */
export function openActionJournal(
  values: { session?: string; log?: string },
  env: NodeJS.ProcessEnv,
  newLogPrefix: string | null,
  redactor: PayloadRedactor = envRedactor(new EnvSecretResolver(env)),
): OpenedJournal {
  if (values.session) {
    const session = Session.open(values.session, { redactor });
    return { journal: session, where: `session ${values.session}`, close: () => session.close() };
  }
  let dir = values.log;
  if (!dir) {
    if (newLogPrefix === null) throw new UsageError('give --session DIR or --log DIR');
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    dir = join(defaultDataDir(env), 'actions', `${newLogPrefix}${stamp}-${randomBytes(3).toString('hex')}`);
  }
  const log = ActionLog.open(dir, undefined, redactor);
  return { journal: log, where: `log ${dir}`, close: () => log.close() };
}
