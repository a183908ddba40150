/**
 * A process that takes a PostgreSQL backup through the BackupService into
 * an action log, for the service's crash test: it prints "DUMPING" once the
 * dump has written bytes, so the parent's SIGKILL lands halfway; then
 * "RESULT <json>" if it is allowed to finish.
 *
 * argv[2]: JSON { logDir, root, url, password }.
 */
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { BackupService } from '../../src/main/services/backups/backup-service';
import { EnvSecretResolver } from '../../src/main/cli/env-secrets';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { SecretRedactor } from '../../src/main/services/vault/redactor';

const options = JSON.parse(process.argv[2]!) as { logDir: string; root: string; url: string; password: string };
const journal = ActionLog.open(options.logDir);
const profile = ProfileSchema.parse({ backups: [{ name: 'shop', engine: 'postgres', url: options.url, password: { secret: 'pg' } }] });
const service = new BackupService({
  targets: profile.backups,
  baseDir: options.root,
  defaultRoot: options.root,
  secrets: new EnvSecretResolver({ FLIGHTDECK_SECRET_PG: options.password, FLIGHTDECK_SECRET_PG_SCOPE: options.url }),
  journal,
  runner: new ActionRunner({ journal, redactor: new SecretRedactor() }),
  onProgress: ({ progress }) => {
    if (progress.phase === 'dumping' && progress.bytes > 0) process.stdout.write('DUMPING\n');
  },
});
void service.run({ backup: 'shop' }, 'crash-test').then((record) => {
  process.stdout.write(`RESULT ${JSON.stringify(record)}\n`);
  journal.close();
});
