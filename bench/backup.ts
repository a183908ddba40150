/**
 * npm run bench:backup
 *
 * A PostgreSQL database of at least 200 MB (pg_database_size, printed) on
 * a real loopback server, backed up by Flightdeck's runBackup (estimate,
 * free-disk check, pg_dump -Fc streamed through sha256, exact row counts
 * in pg_dump's snapshot, backup.json, pg_restore --list, fsync, SHA256SUMS,
 * rename; no restore test) and by a bare `pg_dump -Fc -f FILE` (which
 * fsyncs its file too), alternating which goes first, RUNS (3) each. Each
 * run's output is deleted between runs, outside the timing. The last line
 * is one JSON object: { dbBytes, flightdeckSeconds, pgDumpSeconds, ratio }
 * with the medians; the target is a ratio under 1.05.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackup } from '../src/main/services/backups/backup-pipeline';
import { PostgresBackupEngine } from '../src/main/services/backups/postgres-backup';
import { startPostgres, type PostgresServer } from '../test/support/servers';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MIN_DB_BYTES = Number(process.env.BENCH_DB_BYTES ?? 200 * 1024 * 1024);
const DATABASE = 'bench';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Fills the database server-side (generate_series, md5 and random text) until it reaches MIN_DB_BYTES. */
function generate(pg: PostgresServer): number {
  pg.psql(`create database ${DATABASE}`);
  pg.psql(
    `create table orders (id bigint primary key, customer int, total numeric(12,2), note text, created timestamptz);
     create table events (id bigint, kind text, payload text);
     create table customers (id int, email text, profile text);`,
    DATABASE,
  );
  let batch = 0;
  while (Number(pg.psql('select pg_database_size(current_database())', DATABASE).trim()) < MIN_DB_BYTES) {
    const from = batch * 200_000 + 1;
    const to = from + 199_999;
    pg.psql(
      `insert into orders select g, g % 50000, (g % 99991) / 100.0, md5(g::text) || ' ' || md5(random()::text), now() - (g % 1000) * interval '1 minute' from generate_series(${from}, ${to}) g;
       insert into events select g, 'kind-' || (g % 17), repeat(md5((g * 31)::text), 2) from generate_series(${from}, ${to}) g;
       insert into customers select g, 'user' || g || '@example.com', md5(random()::text) from generate_series(${from}, ${from + 49_999}) g;`,
      DATABASE,
    );
    batch += 1;
  }
  pg.psql('vacuum analyze', DATABASE);
  return Number(pg.psql('select pg_database_size(current_database())', DATABASE).trim());
}

async function flightdeckRun(pg: PostgresServer, root: string): Promise<{ seconds: number; bytes: number }> {
  const engine = new PostgresBackupEngine({ url: pg.url(DATABASE), password: pg.password, binDir: pg.binDir });
  const started = performance.now();
  const result = await runBackup({
    engine,
    root,
    name: DATABASE,
    retention: { keep: null, maxAgeDays: null },
    signal: new AbortController().signal,
    onProgress: () => undefined,
  });
  const seconds = (performance.now() - started) / 1000;
  rmSync(result.dir, { recursive: true, force: true });
  return { seconds, bytes: result.bytes };
}

async function pgDumpRun(pg: PostgresServer, dir: string): Promise<{ seconds: number; bytes: number }> {
  const file = join(dir, 'bare.dump');
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(join(pg.binDir, 'pg_dump'), ['-Fc', '-f', file, '-h', pg.host, '-p', String(pg.port), '-U', pg.user, '--no-password', DATABASE], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PGPASSWORD: pg.password },
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump exited with ${code}`))));
  });
  const seconds = (performance.now() - started) / 1000;
  const bytes = statSync(file).size;
  rmSync(file, { force: true });
  return { seconds, bytes };
}

async function main(): Promise<void> {
  const pg = await startPostgres();
  const work = mkdtempSync(join(tmpdir(), 'flightdeck-bench-backup-'));
  try {
    const generating = performance.now();
    const dbBytes = generate(pg);
    console.log(`database ${DATABASE}: ${mib(dbBytes)} (pg_database_size ${dbBytes}), generated in ${((performance.now() - generating) / 1000).toFixed(1)} s`);
    const flightdeck: number[] = [];
    const bare: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const order = run % 2 === 0 ? (['flightdeck', 'pg_dump'] as const) : (['pg_dump', 'flightdeck'] as const);
      for (const which of order) {
        const { seconds, bytes } = which === 'flightdeck' ? await flightdeckRun(pg, work) : await pgDumpRun(pg, work);
        (which === 'flightdeck' ? flightdeck : bare).push(seconds);
        console.log(`run ${run + 1} ${which.padEnd(10)} ${seconds.toFixed(2)} s  ${mib(bytes)}`);
      }
    }
    const flightdeckSeconds = Number(median(flightdeck).toFixed(3));
    const pgDumpSeconds = Number(median(bare).toFixed(3));
    console.log(JSON.stringify({ dbBytes, flightdeckSeconds, pgDumpSeconds, ratio: Number((flightdeckSeconds / pgDumpSeconds).toFixed(3)) }));
  } finally {
    await pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
