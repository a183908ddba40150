/**
 * HTTP probes for every health URL the runbook names (/health, /healthz,
 * /ready, /status...), Prometheus probes for its /metrics endpoints. The
 * same URL on several lines is one probe that lists them all.
 */
import type { DraftProposal } from '../../../shared/profile-draft';
import { templateUrl, urlsOn, type FieldRegistry } from './placeholders';
import { proposal, uniqueName } from './proposal';
import type { SourceLine } from './source-lines';

const HEALTH_PATH = /\/(health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|liveness|status|ping)(\/[A-Za-z0-9_-]+)?\/?$/i;
/** Prometheus exposition (/metrics, /metrics/prom as Spring and others name it); JSON "metrics" APIs (/api/.../metrics) are not. */
const METRICS_PATH = /^(\/[A-Za-z0-9_-]+)?\/(metrics|prometheus)(\/(prom|prometheus))?\/?$/i;

export type ProbeRole = 'health' | 'metrics';

/**
 * A curl line that checks a site answers (`curl -I`, `--head`, `-f`/`--fail`):
 * the site's root is a health check by intent even without a health path
 * ("curl -I https://app.example.com" after a rollback).
 */
const ANSWER_CHECK = /\bcurl\b[^|;&\n]*\s(?:-[A-Za-z]*[If][A-Za-z]*|--head|--fail)(?=\s|$)/;

export function probeRole(path: string): ProbeRole | null {
  if (METRICS_PATH.test(path) && !/^\/api\//i.test(path)) return 'metrics';
  if (HEALTH_PATH.test(path)) return 'health';
  return null;
}

/** A short name for a host: "app" for your-app.com, "local-8080" for localhost:8080, "api-squad-api" for api.squad-api.example.com. */
function nameOfHost(host: string): string {
  const [name = '', port] = host.replace(/[<>${}]/g, '').split(':');
  if (/^(localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0)$/.test(name) || /^\d+(\.\d+){3}$/.test(name)) return port ? `local-${port}` : 'local';
  const labels = name.replace(/^www\./, '').split('.');
  const first = labels[0]!.replace(/^your[-_]?/, '') || 'app';
  return labels.length > 2 && /^(api|app|www|web)$/.test(first) ? `${first}-${labels[1]}` : first;
}

export function probeProposals(lines: readonly SourceLine[], registry: FieldRegistry, taken: Set<string>): DraftProposal[] {
  const found = new Map<string, { role: ProbeRole; host: string; path: string; lines: number[]; source: string }>();
  for (const line of lines) {
    for (const url of urlsOn(line.text)) {
      const templated = templateUrl(url, line.line, registry);
      if (!templated) continue;
      // Only a site's root: an API or query URL fetched with -f is a script's check of something else (corpus 04's Prometheus query).
      const root = templated.path === '' || templated.path === '/';
      const role = probeRole(templated.path) ?? (root && ANSWER_CHECK.test(line.text) ? 'health' : null);
      if (!role) continue;
      const seen = found.get(templated.template);
      if (seen) seen.lines.push(line.line);
      else found.set(templated.template, { role, host: templated.host, path: templated.path, lines: [line.line], source: line.text });
    }
  }
  return [...found.entries()].map(([url, p]) => {
    const hostWords = nameOfHost(p.host);
    const name = uniqueName(`${hostWords}-${p.role === 'metrics' ? 'metrics' : p.path.split('/').filter(Boolean).pop() ?? 'health'}`, taken);
    const entry =
      p.role === 'health'
        ? { name, kind: 'http', url, intervalSeconds: 5, timeoutMs: 3000 }
        : { name, kind: 'prometheus', url, intervalSeconds: 5, timeoutMs: 3000 };
    return proposal({
      kind: 'probe',
      name,
      title: p.role === 'health' ? `Health probe of ${url}` : `Prometheus metrics from ${url}`,
      lines: p.lines,
      source: p.source,
      entry,
      note: p.role === 'metrics' ? 'Metric names are the usual ones (http_requests_total, http_request_duration_seconds); change them in the profile if yours differ.' : null,
    });
  });
}
