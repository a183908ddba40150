/**
 * Redis probe: INFO through ioredis, within the deadline, on one connection
 * kept between runs. The client never queues commands while disconnected
 * and never reconnects by itself: the next run reconnects, so a dead server
 * costs one failed connect per interval, not a retry storm.
 */
import { Redis } from 'ioredis';
import type { RedisProbeConfig } from '../profile/probes-schema';
import { CounterDeltas } from './counter-deltas';
import { Deadline } from './deadline';
import { hostDestination } from '../vault/destination';
import { describeFailure } from './failure-message';
import type { Probe, ProbeDeps, ProbeReading, ProbeSample } from './probe';
import { downReading, elapsedMs, reading } from './reading';
import { infoNumber, parseRedisInfo } from './redis-info';
import { displayTarget, scrub } from './target-display';

/** Cache hit rate and the rest from two INFO readings (the first probe uses the totals). */
export function redisSamples(info: Map<string, string>, deltas: CounterDeltas, atMs: number): { samples: ProbeSample[]; details: ProbeReading['details'] } {
  const samples: ProbeSample[] = [];
  const hits = infoNumber(info, 'keyspace_hits') ?? 0;
  const misses = infoNumber(info, 'keyspace_misses') ?? 0;
  const hitDelta = deltas.next('keyspace_hits', hits, atMs);
  const missDelta = deltas.next('keyspace_misses', misses, atMs);
  const [h, m] = hitDelta && missDelta ? [hitDelta.increase, missDelta.increase] : [hits, misses];
  if (h + m > 0) samples.push({ metric: 'cache_hit_rate', value: (100 * h) / (h + m) });
  const used = infoNumber(info, 'used_memory');
  const max = infoNumber(info, 'maxmemory');
  if (used !== null && max !== null && max > 0) samples.push({ metric: 'memory', value: (100 * used) / max });
  const evicted = infoNumber(info, 'evicted_keys');
  const evictedDelta = evicted === null ? null : deltas.next('evicted_keys', evicted, atMs);
  if (evictedDelta && evictedDelta.seconds > 0) samples.push({ metric: 'evictions', value: evictedDelta.increase / evictedDelta.seconds, unit: 'keys/s', label: 'Evictions' });
  const clients = infoNumber(info, 'connected_clients');
  if (clients !== null) samples.push({ metric: 'connected_clients', value: clients, unit: 'count', label: 'Connected clients' });
  const ops = infoNumber(info, 'instantaneous_ops_per_sec');
  if (ops !== null) samples.push({ metric: 'ops_per_sec', value: ops, unit: 'ops/s', label: 'Operations per second' });
  return {
    samples,
    details: { keyspaceHits: hits, keyspaceMisses: misses, usedMemoryBytes: used, maxMemoryBytes: max, evictedKeys: evicted, connectedClients: clients, opsPerSecond: ops, version: info.get('redis_version') ?? null },
  };
}

export class RedisProbe implements Probe {
  readonly kind = 'redis' as const;
  readonly name: string;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private client: Redis | null = null;
  private clientPassword: string | undefined;
  private readonly deltas = new CounterDeltas();
  /** ioredis rejects a failed connect with "Connection is closed"; the cause (WRONGPASS, ECONNREFUSED) comes as an 'error' event. */
  private lastError: Error | null = null;

  constructor(
    private readonly config: RedisProbeConfig,
    private readonly deps: ProbeDeps,
  ) {
    this.name = config.name;
    this.target = displayTarget(config.url);
    this.intervalMs = config.intervalSeconds * 1000;
    this.timeoutMs = config.timeoutMs;
  }

  private clientFor(password: string | undefined): Redis {
    if (this.client && this.clientPassword === password) return this.client;
    this.client?.disconnect();
    const url = new URL(this.config.url);
    // A password from the vault replaces one in the URL (ioredis lets the URL win otherwise).
    if (password !== undefined) url.password = '';
    this.client = new Redis(url.toString(), {
      ...(password !== undefined ? { password } : {}),
      lazyConnect: true,
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectionName: 'flightdeck-probe',
    });
    // Errors surface through the commands; an unhandled 'error' event must not crash main.
    this.client.on('error', (error: Error) => {
      this.lastError = error;
    });
    this.clientPassword = password;
    return this.client;
  }

  async run(signal?: AbortSignal): Promise<ProbeReading> {
    const deadline = new Deadline(this.timeoutMs, signal);
    const startedAt = performance.now();
    let password: string | undefined;
    let phase: 'connecting' | 'waiting for the server' = 'connecting';
    this.lastError = null;
    try {
      password = this.config.password ? this.deps.secrets.get(this.config.password.secret, hostDestination(this.config.url)) : undefined;
      const client = this.clientFor(password);
      if (client.status === 'wait' || client.status === 'end' || client.status === 'close') await deadline.race(client.connect());
      phase = 'waiting for the server';
      const text = await deadline.race(client.info());
      const latencyMs = elapsedMs(startedAt);
      const { samples, details } = redisSamples(parseRedisInfo(text), this.deltas, (this.deps.clock ?? Date.now)());
      const hitRate = samples.find((s) => s.metric === 'cache_hit_rate');
      return reading('up', `INFO in ${Math.round(latencyMs)} ms${hitRate ? `, ${hitRate.value.toFixed(1)} % cache hits` : ''}`, latencyMs, samples, details);
    } catch (error) {
      // After any failure the connection is suspect (stalled, or closed while ioredis still says
      // "ready"): the next run starts from a fresh client.
      this.reset();
      return downReading(scrub(this.explain(error, phase), password ? [password] : []));
    } finally {
      deadline.clear();
    }
  }

  private explain(thrown: unknown, phase: 'connecting' | 'waiting for the server'): string {
    const generic = thrown instanceof Error && /Connection is closed|Stream isn't writeable/i.test(thrown.message);
    const error = generic && this.lastError ? this.lastError : thrown;
    const message = error instanceof Error ? error.message : String(error);
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) return `authentication failed: ${message.split('\n')[0]}`;
    if (/Command timed out/i.test(message)) return `timed out after ${this.timeoutMs} ms waiting for the server`;
    if (/Stream isn't writeable|Connection is closed/i.test(message)) return 'connection closed';
    return describeFailure(error, phase, this.timeoutMs);
  }

  private reset(): void {
    this.client?.disconnect();
    this.client = null;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.status === 'ready') await Promise.race([client.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    client.disconnect();
  }
}
