/**
 * MongoDB probe: serverStatus (and replSetGetStatus on a replica set)
 * through the official driver, one client kept between runs, every driver
 * timeout set to the probe's deadline. The connection string may itself be
 * a vault secret; it is resolved at run time and never shown.
 */
import { MongoClient } from 'mongodb';
import { isSecretRef } from '../profile/secret-ref';
import { hostDestination } from '../vault/destination';
import { resolveMaybeSecret } from '../vault/secrets';
import type { MongoProbeConfig } from '../profile/probes-schema';
import { CounterDeltas } from './counter-deltas';
import { Deadline } from './deadline';
import { describeFailure } from './failure-message';
import { mongoSamples, type ReplSetStatus, type ServerStatus } from './mongo-status';
import type { Probe, ProbeDeps, ProbeReading } from './probe';
import { downReading, elapsedMs, reading } from './reading';
import { displayTarget, scrub, secretTarget } from './target-display';

export class MongoProbe implements Probe {
  readonly kind = 'mongodb' as const;
  readonly name: string;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private client: MongoClient | null = null;
  private clientUrl: string | null = null;
  private readonly deltas = new CounterDeltas();

  constructor(
    private readonly config: MongoProbeConfig,
    private readonly deps: ProbeDeps,
  ) {
    this.name = config.name;
    this.target = isSecretRef(config.url) ? secretTarget('mongodb', config.url.secret) : displayTarget(config.url);
    this.intervalMs = config.intervalSeconds * 1000;
    this.timeoutMs = config.timeoutMs;
  }

  private clientFor(url: string): MongoClient {
    if (this.client && this.clientUrl === url) return this.client;
    void this.client?.close(true).catch(() => undefined);
    this.client = new MongoClient(url, {
      // A little inside the deadline, so the driver's reason (refused, auth) arrives before the deadline does.
      serverSelectionTimeoutMS: Math.max(50, this.timeoutMs - 100),
      connectTimeoutMS: this.timeoutMs,
      socketTimeoutMS: this.timeoutMs,
      maxPoolSize: 1,
      appName: 'flightdeck-probe',
    });
    this.clientUrl = url;
    return this.client;
  }

  async run(signal?: AbortSignal): Promise<ProbeReading> {
    const deadline = new Deadline(this.timeoutMs, signal);
    const startedAt = performance.now();
    let url = '';
    try {
      // A URL that is itself the secret is judged by its own host before the driver sees it.
      url = resolveMaybeSecret(this.config.url, this.deps.secrets, hostDestination).value;
      const admin = this.clientFor(url).db('admin');
      const status = (await deadline.race(admin.command({ serverStatus: 1 }))) as ServerStatus;
      const repl = status.repl?.setName ? ((await deadline.race(admin.command({ replSetGetStatus: 1 }))) as ReplSetStatus) : null;
      const latencyMs = elapsedMs(startedAt);
      const { samples, details } = mongoSamples(status, repl, this.deltas, (this.deps.clock ?? Date.now)());
      return reading('up', `serverStatus in ${Math.round(latencyMs)} ms`, latencyMs, samples, details);
    } catch (error) {
      const secrets = url ? [url, ...(/:\/\/[^:/@]*:([^@/]+)@/.exec(url)?.slice(1) ?? [])] : [];
      return downReading(scrub(this.explain(error), secrets));
    } finally {
      deadline.clear();
    }
  }

  private explain(error: unknown): string {
    const { name, message, codeName } = error as { name?: string; message?: string; codeName?: string };
    if (codeName === 'AuthenticationFailed' || /Authentication failed/i.test(message ?? '')) return 'authentication failed';
    if (name === 'MongoServerSelectionError') return /ECONNREFUSED/.test(message ?? '') ? 'connection refused' : `no server reachable: ${message ?? ''}`;
    return describeFailure(error, 'waiting for the server', this.timeoutMs);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close(true).catch(() => undefined);
  }
}
