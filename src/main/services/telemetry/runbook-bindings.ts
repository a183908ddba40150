/**
 * Where the runbook's own words tune the probes: "SSL certificates valid
 * (> 30 days)" becomes the warning line of every TLS probe whose profile
 * entry does not set warnDays itself. The profile always wins.
 */
import type { Threshold } from '../../../shared/runbook-model';
import type { ProbeConfig } from '../profile/probes-schema';

const DAY_SECONDS = 86_400;

export function withRunbookThresholds(probes: readonly ProbeConfig[], thresholds: readonly Threshold[]): ProbeConfig[] {
  const certFloor = thresholds.filter((t) => t.metric === 'cert_expiry' && t.confidence !== 'review' && (t.op === '>' || t.op === '>=') && t.unit === 's').map((t) => t.value / DAY_SECONDS);
  const warnDays = certFloor.length > 0 ? Math.max(...certFloor) : undefined;
  return probes.map((probe) => (probe.kind === 'tls' && probe.warnDays === undefined && warnDays !== undefined ? { ...probe, warnDays } : probe));
}
