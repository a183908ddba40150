/**
 * Builds the probe a profile entry describes. The one place that knows
 * every probe kind; telemetry and the CLI only see the Probe interface.
 */
import type { ProbeConfig } from '../profile/probes-schema';
import { HttpProbe } from './http-probe';
import { MongoProbe } from './mongo-probe';
import { PostgresProbe } from './postgres-probe';
import type { Probe, ProbeDeps } from './probe';
import { PrometheusProbe } from './prometheus-probe';
import { RedisProbe } from './redis-probe';
import { TlsProbe } from './tls-probe';

export function createProbe(config: ProbeConfig, deps: ProbeDeps): Probe {
  switch (config.kind) {
    case 'http':
      return new HttpProbe(config, deps);
    case 'tls':
      return new TlsProbe(config, deps);
    case 'prometheus':
      return new PrometheusProbe(config, deps);
    case 'redis':
      return new RedisProbe(config, deps);
    case 'postgres':
      return new PostgresProbe(config, deps);
    case 'mongodb':
      return new MongoProbe(config, deps);
  }
}
