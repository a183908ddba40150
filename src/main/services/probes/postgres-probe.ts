/**
 * PostgreSQL probe: one short-lived connection per run (a probe must not
 * hold a connection slot between runs, nor keep a broken one), one query
 * for connections in use against max_connections, the longest running
 * query and replication lag. The password comes from the vault into the
 * client config, never into a URL or an argv.
 */
import { messageOf } from '../../../shared/errors';
import pg from 'pg';
import type { PostgresProbeConfig } from '../profile/probes-schema';
import { Deadline } from './deadline';
import { postgresClientConfig } from './postgres-connection';
import { hostDestination } from '../vault/destination';
import { describeFailure } from './failure-message';
import type { Probe, ProbeDeps, ProbeReading, ProbeSample } from './probe';
import { downReading, elapsedMs, reading } from './reading';
import { displayTarget, scrub } from './target-display';

const STATS_SQL = `
select
  (select count(*) from pg_stat_activity where backend_type = 'client backend')::int as in_use,
  current_setting('max_connections')::int as max_connections,
  (select extract(epoch from max(clock_timestamp() - query_start))::float8 from pg_stat_activity
     where state is not null and state <> 'idle' and backend_type = 'client backend' and pid <> pg_backend_pid()) as longest_query_seconds,
  pg_is_in_recovery() as is_replica,
  case when pg_is_in_recovery() then extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 end as replica_lag_seconds,
  (select max(extract(epoch from coalesce(replay_lag, write_lag, flush_lag)))::float8 from pg_stat_replication) as primary_lag_seconds,
  (select count(*) from pg_stat_replication)::int as replicas`;

/** One row of STATS_SQL, as pg returns it. */
export interface StatsRow {
  in_use: number;
  max_connections: number;
  longest_query_seconds: number | null;
  is_replica: boolean;
  replica_lag_seconds: number | null;
  primary_lag_seconds: number | null;
  replicas: number;
}

export function postgresSamples(row: StatsRow): ProbeSample[] {
  const samples: ProbeSample[] = [{ metric: 'db_connections', value: (100 * row.in_use) / row.max_connections }];
  samples.push({ metric: 'longest_query', value: row.longest_query_seconds ?? 0, unit: 's', label: 'Longest running query' });
  const lag = row.is_replica ? row.replica_lag_seconds : row.replicas > 0 ? (row.primary_lag_seconds ?? 0) : null;
  if (lag !== null) samples.push({ metric: 'replication_lag', value: lag, unit: 's', label: 'Replication lag' });
  return samples;
}

export class PostgresProbe implements Probe {
  readonly kind = 'postgres' as const;
  readonly name: string;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;

  constructor(
    private readonly config: PostgresProbeConfig,
    private readonly deps: ProbeDeps,
  ) {
    this.name = config.name;
    this.target = displayTarget(config.url);
    this.intervalMs = config.intervalSeconds * 1000;
    this.timeoutMs = config.timeoutMs;
  }

  async run(signal?: AbortSignal): Promise<ProbeReading> {
    const deadline = new Deadline(this.timeoutMs, signal);
    const startedAt = performance.now();
    let password: string | undefined;
    let client: pg.Client | null = null;
    let phase: 'connecting' | 'waiting for the server' = 'connecting';
    try {
      password = this.config.password ? this.deps.secrets.get(this.config.password.secret, hostDestination(this.config.url)) : undefined;
      client = new pg.Client({
        ...postgresClientConfig(this.config.url, password, this.deps.trustedCa),
        connectionTimeoutMillis: this.timeoutMs,
        statement_timeout: this.timeoutMs,
        query_timeout: this.timeoutMs,
        application_name: 'flightdeck-probe',
      });
      client.on('error', () => undefined);
      await deadline.race(client.connect());
      phase = 'waiting for the server';
      const result = await deadline.race(client.query<StatsRow>(STATS_SQL));
      const latencyMs = elapsedMs(startedAt);
      const row = result.rows[0]!;
      const samples = postgresSamples(row);
      const details = {
        connections: row.in_use,
        maxConnections: row.max_connections,
        longestQuerySeconds: row.longest_query_seconds,
        role: row.is_replica ? 'replica' : 'primary',
        replicas: row.replicas,
      };
      const share = samples[0]!.value;
      return reading('up', `${row.in_use} of ${row.max_connections} connections (${share.toFixed(0)} %)`, latencyMs, samples, details);
    } catch (error) {
      return downReading(scrub(this.explain(error, phase), password ? [password] : []));
    } finally {
      deadline.clear();
      if (client) void this.end(client);
    }
  }

  private explain(error: unknown, phase: 'connecting' | 'waiting for the server'): string {
    const code = (error as { code?: unknown }).code;
    const message = messageOf(error);
    if (code === '28P01' || code === '28000') return `authentication failed: ${message}`;
    if (code === '57014') return `timed out after ${this.timeoutMs} ms waiting for the server`;
    if (/timeout expired|Connection terminated due to connection timeout/i.test(message)) return `timed out after ${this.timeoutMs} ms connecting`;
    if (/Query read timeout/i.test(message)) return `timed out after ${this.timeoutMs} ms waiting for the server`;
    return describeFailure(error, phase, this.timeoutMs);
  }

  /** Ends the connection; a stalled one is cut rather than waited for. */
  private async end(client: pg.Client): Promise<void> {
    const ended = client.end().catch(() => undefined);
    const timer = setTimeout(() => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy(), 1000);
    timer.unref();
    await ended;
    clearTimeout(timer);
  }

  async close(): Promise<void> {}
}
