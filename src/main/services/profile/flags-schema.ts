/**
 * The `flags:` section: each feature flag the runbook moves, where it lives
 * (one backend per flag), its rollout steps and the test accounts whose
 * bucketing the cockpit previews before a change.
 */
import { z } from 'zod';
import { MaybeSecretSchema, SecretRefSchema } from './secret-ref';

const HttpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  // A password in a URL would be shown, logged and journaled with it: credentials go in headers, from the vault.
  .refine((url) => !/^https?:\/\/[^/]*@/i.test(url), 'must not carry user:password@; send credentials as a header whose value is { secret: NAME }');
const Percent = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');

/** The application's own admin API (dual-dashboard-rollout.md: /api/admin/feature-flags). */
export const HttpFlagBackendSchema = z
  .object({
    type: z.literal('http'),
    /** The flag's resource; GET reads it, `method` writes it. */
    url: HttpUrl,
    method: z.enum(['PUT', 'PATCH', 'POST']).default('PUT'),
    /** JSON field holding the value, e.g. "percentage" or "rollout.percent". */
    field: z.string().default('percentage'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'is not a header name'), MaybeSecretSchema).default({}),
  })
  .strict();

export const RedisFlagBackendSchema = z
  .object({
    type: z.literal('redis'),
    url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
    password: SecretRefSchema.optional(),
    key: z.string().min(1),
    /** When set, the flag is this field of the hash at `key`. */
    field: z.string().min(1).optional(),
  })
  .strict();

export const MongoFlagBackendSchema = z
  .object({
    type: z.literal('mongodb'),
    url: z.union([z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'), SecretRefSchema]),
    database: z.string().min(1),
    collection: z.string().min(1),
    /** Selects the flag's document, e.g. { name: checkout_v2 }. */
    filter: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    field: z.string().default('percentage'),
  })
  .strict();

export const HerokuFlagBackendSchema = z
  .object({
    type: z.literal('heroku'),
    app: z.string().min(1),
    var: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a config var name'),
    token: SecretRefSchema,
    apiUrl: HttpUrl.default('https://api.heroku.com'),
  })
  .strict();

export const RailwayFlagBackendSchema = z
  .object({
    type: z.literal('railway'),
    projectId: z.string().min(1),
    environmentId: z.string().min(1),
    serviceId: z.string().min(1).optional(),
    var: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a variable name'),
    token: SecretRefSchema,
    apiUrl: HttpUrl.default('https://backboard.railway.com/graphql/v2'),
  })
  .strict();

export const FlagBackendSchema = z.discriminatedUnion('type', [
  HttpFlagBackendSchema,
  RedisFlagBackendSchema,
  MongoFlagBackendSchema,
  HerokuFlagBackendSchema,
  RailwayFlagBackendSchema,
]);
export type FlagBackendConfig = z.infer<typeof FlagBackendSchema>;

export const FlagSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be letters, digits, "_", ".", ":" or "-"'),
    backend: FlagBackendSchema,
    /** Rollout steps in percent, rising; the first is usually 0. */
    steps: z
      .array(Percent)
      .min(1)
      .default([0, 10, 50, 100])
      .refine((s) => s.every((v, i) => i === 0 || v > s[i - 1]!), 'must rise step by step'),
    /** Unleash's groupId for bucketing; the flag name when absent. */
    groupId: z.string().optional(),
    /** Named accounts whose bucket the confirmation previews. */
    testUsers: z.array(z.string().min(1).max(200)).max(1000).default([]),
    timeoutMs: z.number().int().min(50).max(60_000).default(3000),
    /** How often the cockpit re-reads the flag on its own, to show and journal a drift from what it last wrote; 0: never. */
    watchSeconds: z.number().min(0).max(3600).default(5),
    /** How long after an unknown write it may still land: a rollback's guard watches the flag that long. */
    settleSeconds: z.number().min(1).max(3600).default(120),
  })
  .strict();
export type FlagConfig = z.infer<typeof FlagSchema>;
