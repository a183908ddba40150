/**
 * The `probes:` section of a deployment profile: what telemetry watches.
 * Every probe has a unique name, an interval and a deadline; targets that
 * need credentials refer to vault secrets by name.
 */
import { z } from 'zod';
import { MaybeSecretSchema, SecretRefSchema } from './secret-ref';

const Name = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, 'must be letters, digits, "_", "." or "-"');
const HttpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  // A password in a URL would be shown, logged and journaled with it: credentials go in headers, from the vault.
  .refine((url) => !/^https?:\/\/[^/]*@/i.test(url), 'must not carry user:password@; send credentials as a header whose value is { secret: NAME }');

const common = {
  name: Name,
  /** Seconds between two probes. */
  intervalSeconds: z.number().min(0.2).max(86_400).default(5),
  /** Deadline for the whole probe: connect, headers and body. */
  timeoutMs: z.number().int().min(50).max(120_000).default(3000),
};

export const HttpProbeSchema = z
  .object({
    ...common,
    kind: z.literal('http'),
    url: HttpUrl,
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    expectStatus: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]).default(200),
    /** The body must contain this text (the health endpoint's "ok"). */
    bodyIncludes: z.string().max(1000).optional(),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'is not a header name'), MaybeSecretSchema).default({}),
    /** Slower than this, the probe is degraded rather than up. */
    degradedOverMs: z.number().int().min(1).optional(),
    /** Origins (scheme://host:port) a redirect may lead to; none are followed otherwise. */
    allowRedirectsTo: z.array(HttpUrl).default([]),
  })
  .strict();

export const TlsProbeSchema = z
  .object({
    ...common,
    kind: z.literal('tls'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65_535).default(443),
    /**
     * Fewer days of validity than this is degraded. When absent, the
     * runbook's own certificate threshold ("valid for > 30 days") decides,
     * else 30 (see withRunbookThresholds).
     */
    warnDays: z.number().min(0).max(3650).optional(),
    intervalSeconds: z.number().min(0.2).max(86_400).default(300),
  })
  .strict();

export const PrometheusProbeSchema = z
  .object({
    ...common,
    kind: z.literal('prometheus'),
    url: HttpUrl,
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'is not a header name'), MaybeSecretSchema).default({}),
    /** Counter of requests with a status label, e.g. http_requests_total. */
    requests: z.string().default('http_requests_total'),
    statusLabel: z.string().default('status'),
    /** Histogram base name of request latency in seconds, e.g. http_request_duration_seconds. */
    latency: z.string().default('http_request_duration_seconds'),
    /** Counters become rates over this window. */
    windowSeconds: z.number().min(1).max(3600).default(60),
    /** Optional counters of cache hits and misses: cache hit rate. */
    cacheHits: z.string().optional(),
    cacheMisses: z.string().optional(),
    /** Optional gauges of database connections in use and allowed: db_connections in %. */
    dbConnectionsInUse: z.string().optional(),
    dbConnectionsMax: z.string().optional(),
  })
  .strict();

export const RedisProbeSchema = z
  .object({ ...common, kind: z.literal('redis'), url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'), password: SecretRefSchema.optional() })
  .strict();

export const PostgresProbeSchema = z
  .object({ ...common, kind: z.literal('postgres'), url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'), password: SecretRefSchema.optional() })
  .strict();

export const MongoProbeSchema = z
  .object({
    ...common,
    kind: z.literal('mongodb'),
    /** The connection string usually carries a password, so it may be a secret itself. */
    url: z.union([z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'), SecretRefSchema]),
  })
  .strict();

export const ProbeSchema = z.discriminatedUnion('kind', [HttpProbeSchema, TlsProbeSchema, PrometheusProbeSchema, RedisProbeSchema, PostgresProbeSchema, MongoProbeSchema]);
export type ProbeConfig = z.infer<typeof ProbeSchema>;
export type HttpProbeConfig = z.infer<typeof HttpProbeSchema>;
export type TlsProbeConfig = z.infer<typeof TlsProbeSchema>;
export type PrometheusProbeConfig = z.infer<typeof PrometheusProbeSchema>;
export type RedisProbeConfig = z.infer<typeof RedisProbeSchema>;
export type PostgresProbeConfig = z.infer<typeof PostgresProbeSchema>;
export type MongoProbeConfig = z.infer<typeof MongoProbeSchema>;
