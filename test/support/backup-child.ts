/**
 * A process that takes a PostgreSQL backup through the pipeline, for the
 * crash test. It prints "PROGRESS <phase> <bytes>" as the pipeline reports,
 * and when the phase equals KILL_AT (for "dumping": once at least
 * MIN_BYTES are written) it prints "MARK <phase>" and blocks right there,
 * so the parent's SIGKILL lands at that point. At the end it prints
 * "RESULT <json>" (or "ERROR <message>").
 *
 * argv[2]: JSON { root, name, url, password, binDir, killAt, minBytes }.
 */
import { runBackup } from '../../src/main/services/backups/backup-pipeline';
import { PostgresBackupEngine } from '../../src/main/services/backups/postgres-backup';

interface Options {
  root: string;
  name: string;
  url: string;
  password: string;
  binDir: string;
  killAt: 'dumping' | 'verifying' | 'finishing' | null;
  minBytes: number;
}

const options = JSON.parse(process.argv[2]!) as Options;

function block(label: string): void {
  process.stdout.write(`MARK ${label}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
  process.stdout.write(`MISSED KILL ${label}\n`);
  process.exit(3);
}

async function main(): Promise<void> {
  const result = await runBackup({
    engine: new PostgresBackupEngine({ url: options.url, password: options.password, binDir: options.binDir }),
    root: options.root,
    name: options.name,
    retention: { keep: null, maxAgeDays: null },
    signal: new AbortController().signal,
    onProgress: (p) => {
      process.stdout.write(`PROGRESS ${p.phase} ${p.bytes}\n`);
      if (p.phase === options.killAt && (p.phase !== 'dumping' || p.bytes >= options.minBytes)) block(p.phase);
    },
  });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`ERROR ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
