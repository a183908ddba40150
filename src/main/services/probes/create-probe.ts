/**
 * Builds the probe a profile entry describes. The one place that knows
 * every probe kind; telemetry and the CLI only see the Probe interface.
 * With a redactor, every reading's text passes it here, whatever the kind.
 */
import type { ProbeConfig } from '../profile/probes-schema';
import { HttpProbe } from './http-probe';
import { MongoProbe } from './mongo-probe';
import { PostgresProbe } from './postgres-probe';
import type { Probe, ProbeDeps, ProbeReading } from './probe';
import type { Redactor } from '../vault/secrets';
import { PrometheusProbe } from './prometheus-probe';
import { RedisProbe } from './redis-probe';
import { TlsProbe } from './tls-probe';

export function createProbe(config: ProbeConfig, deps: ProbeDeps): Probe {
  const probe = createProbeOfKind(config, deps);
  return deps.redactor ? redacting(probe, deps.redactor) : probe;
}

function redacting(probe: Probe, redactor: Redactor): Probe {
  const redactReading = (reading: ProbeReading): ProbeReading => ({
    ...reading,
    message: redactor.redact(reading.message),
    details: Object.fromEntries(Object.entries(reading.details).map(([key, value]) => [key, typeof value === 'string' ? redactor.redact(value) : value])),
  });
  return {
    name: probe.name,
    kind: probe.kind,
    get target() {
      return redactor.redact(probe.target);
    },
    intervalMs: probe.intervalMs,
    timeoutMs: probe.timeoutMs,
    run: async (signal) => redactReading(await probe.run(signal)),
    close: () => probe.close(),
  };
}

function createProbeOfKind(config: ProbeConfig, deps: ProbeDeps): Probe {
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
