/**
 * `flightdeck probe URL` and `flightdeck scrape URL`: the cockpit's HTTP,
 * TLS and Prometheus probes from a terminal, through the same code, so a
 * release manager can check a target before putting it in a profile.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FlightdeckError } from '../../shared/errors';
import { HttpProbeSchema, TlsProbeSchema } from '../services/profile/probes-schema';
import { RequestFailed } from '../services/probes/bounded-request';
import { createProbe } from '../services/probes/create-probe';
import { Deadline } from '../services/probes/deadline';
import type { ProbeReading } from '../services/probes/probe';
import { createProbeAgent } from '../services/probes/probe-agent';
import { scrapeExposition } from '../services/probes/scrape';
import { displayTarget } from '../services/probes/target-display';
import { CounterWindow } from '../services/prometheus/rates';
import { computeRequestMetrics, keptSampleNames, type GroupMetrics, type RequestMetricNames } from '../services/prometheus/request-metrics';
import { EXIT, json, type Io } from './io';

export const PROBE_USAGE = `Usage: flightdeck probe URL [--json] [--timeout MS]

Checks an http:// or https:// URL once, as a profile's HTTP probe does: any
2xx is up, redirects are not followed, certificates are always verified.
For https, also reports the days left on the server's TLS certificate
(degraded under 30 days).

  --json          one JSON object on stdout
  --timeout MS    deadline for the whole check (default 3000)

Exit status: 0 up (or degraded), 1 down, 2 bad input.`;

export const SCRAPE_USAGE = `Usage: flightdeck scrape URL [--json] [--by LABEL] [--window SECONDS] [--timeout MS]
                        [--requests NAME] [--latency NAME] [--status-label NAME]

Reads a Prometheus /metrics endpoint twice, --window seconds apart (default
5), because counters only mean something as rates. From the difference it
computes the request rate, the error rate (share of 5xx in all requests) and
latency p50, p95 and p99 with PromQL's histogram_quantile.

  --json               one JSON object on stdout
  --by LABEL           also per value of LABEL (e.g. route, method)
  --window SECONDS     seconds between the two scrapes (default 5; 1 or less for a quick look)
  --timeout MS         deadline for each scrape (default 3000)
  --requests NAME      request counter with a status label (default http_requests_total)
  --latency NAME       latency histogram in seconds (default http_request_duration_seconds)
  --status-label NAME  label holding the HTTP status (default status)

Exit status: 0 both scrapes read, 1 the target failed, 2 bad input.`;

const NO_SECRETS = {
  get(name: string): string {
    throw new FlightdeckError('unsupported', `secret "${name}" is not available from the command line`);
  },
  has: () => false,
};

class BadInput extends Error {}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new BadInput(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}

function targetUrl(positionals: string[], usage: string): URL {
  if (positionals.length !== 1) throw new BadInput(`${positionals.length === 0 ? 'missing URL' : `one URL only, got ${positionals.length}`}\n\n${usage}`);
  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    throw new BadInput(`"${displayTarget(positionals[0]!)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadInput(`${displayTarget(url.href)}: only http:// and https:// URLs can be probed`);
  // A password on the command line sits in shell history and the process list; it is not sent either.
  if (url.username || url.password) throw new BadInput(`${displayTarget(url.href)}: take user:password@ out of the URL; credentials do not belong on a command line`);
  return url;
}

function numberOption(raw: unknown, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) throw new BadInput(`--${name} must be a number from ${min} to ${max}, got "${String(raw)}"`);
  return value;
}

async function guarded(io: Io, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BadInput) {
      io.err(error.message);
      return EXIT.badInput;
    }
    throw error;
  }
}

const TWO_XX = Array.from({ length: 100 }, (_, i) => 200 + i);

export function probeCommand(args: string[], io: Io): Promise<number> {
  return guarded(io, async () => {
    const { values, positionals } = parse(args, { json: { type: 'boolean', default: false }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, PROBE_USAGE);
    if (values.help) {
      io.out(PROBE_USAGE);
      return EXIT.ok;
    }
    const url = targetUrl(positionals, PROBE_USAGE);
    const timeoutMs = Math.round(numberOption(values.timeout, 'timeout', 50, 120_000, 3000));
    const http = createProbe(HttpProbeSchema.parse({ name: 'cli', kind: 'http', url: url.href, timeoutMs, expectStatus: TWO_XX }), { secrets: NO_SECRETS });
    const tls =
      url.protocol === 'https:'
        ? createProbe(TlsProbeSchema.parse({ name: 'cli-tls', kind: 'tls', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 443), timeoutMs }), { secrets: NO_SECRETS })
        : null;
    let readings: [ProbeReading, ProbeReading | null];
    try {
      readings = await Promise.all([http.run(), tls ? tls.run() : Promise.resolve(null)]);
    } finally {
      await Promise.all([http.close(), tls?.close()]);
    }
    const [answer, cert] = readings;
    const health = answer.health === 'down' ? 'down' : cert?.health === 'degraded' || answer.health === 'degraded' ? 'degraded' : 'up';
    const target = displayTarget(url.href);
    if (values.json) {
      io.out(
        json({
          url: target,
          health,
          message: answer.message,
          status: answer.details.status ?? null,
          latencyMs: answer.latencyMs,
          tls: cert ? { health: cert.health, message: cert.message, daysLeft: cert.details.daysLeft ?? null, validTo: cert.details.validTo ?? null } : null,
        }),
      );
    } else {
      const lines = [`${target}: ${health}`, `  ${answer.message}`];
      if (cert) lines.push(`  TLS: ${cert.message}${cert.details.validTo ? ` (until ${String(cert.details.validTo).slice(0, 10)})` : ''}`);
      io.out(lines.join('\n'));
    }
    return health === 'down' ? EXIT.failure : EXIT.ok;
  });
}

interface ScrapeFigures {
  requestRate: number | null;
  errorRate: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  avg: number | null;
}

function figures(g: GroupMetrics): ScrapeFigures {
  return {
    requestRate: g.requestRate,
    errorRate: g.errorRate,
    p50: g.latency.latency_p50,
    p90: g.latency.latency_p90,
    p95: g.latency.latency_p95,
    p99: g.latency.latency_p99,
    avg: g.latency.latency_avg,
  };
}

function fixed(value: number | null, digits: number, unit: string): string {
  return value === null ? '-' : `${value.toFixed(digits)}${unit}`;
}

function row(cells: string[], widths: number[]): string {
  return `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd();
}

function table(label: string, groups: Array<{ name: string; f: ScrapeFigures }>): string[] {
  const header = [label, 'req/s', 'errors', 'p50', 'p95', 'p99'];
  const body = groups.map(({ name, f }) => [name, fixed(f.requestRate, 1, ''), fixed(f.errorRate, 2, ' %'), fixed(f.p50, 0, ' ms'), fixed(f.p95, 0, ' ms'), fixed(f.p99, 0, ' ms')]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  return [row(header, widths), ...body.map((cells) => row(cells, widths))];
}

export function scrapeCommand(args: string[], io: Io): Promise<number> {
  return guarded(io, async () => {
    const { values, positionals } = parse(
      args,
      {
        json: { type: 'boolean', default: false },
        by: { type: 'string' },
        window: { type: 'string' },
        timeout: { type: 'string' },
        requests: { type: 'string' },
        latency: { type: 'string' },
        'status-label': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      SCRAPE_USAGE,
    );
    if (values.help) {
      io.out(SCRAPE_USAGE);
      return EXIT.ok;
    }
    const url = targetUrl(positionals, SCRAPE_USAGE);
    const windowSeconds = numberOption(values.window, 'window', 0.1, 3600, 5);
    const timeoutMs = Math.round(numberOption(values.timeout, 'timeout', 50, 120_000, 3000));
    const names: RequestMetricNames = {
      requests: typeof values.requests === 'string' ? values.requests : 'http_requests_total',
      latency: typeof values.latency === 'string' ? values.latency : 'http_request_duration_seconds',
      statusLabel: typeof values['status-label'] === 'string' ? values['status-label'] : 'status',
    };
    const by = typeof values.by === 'string' ? values.by : undefined;
    if (by !== undefined && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(by)) throw new BadInput(`--by "${by}" is not a label name`);
    const target = displayTarget(url.href);
    const kept = keptSampleNames(names);
    const window = new CounterWindow(windowSeconds * 2, (name) => kept.has(name));
    const agent = createProbeAgent({ connectTimeoutMs: timeoutMs });
    const scrapeOnce = async () => {
      const deadline = new Deadline(timeoutMs);
      try {
        window.add(await scrapeExposition(url, {}, agent, deadline), Date.now());
      } finally {
        deadline.clear();
      }
    };
    try {
      await scrapeOnce();
      await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
      await scrapeOnce();
    } catch (error) {
      const message = error instanceof RequestFailed || error instanceof FlightdeckError ? error.message : error instanceof Error ? error.message : String(error);
      io.err(`${target}: ${message}`);
      return EXIT.failure;
    } finally {
      await agent.destroy().catch(() => undefined);
    }
    const [overall] = computeRequestMetrics(window, names);
    const groups = by ? computeRequestMetrics(window, names, by) : [];
    const elapsed = window.elapsedSeconds() ?? windowSeconds;
    if (overall?.requestRate === null || overall === undefined) io.err(`warning: no "${names.requests}" series in the exposition; name the request counter with --requests`);
    if (overall && overall.latency.latency_p50 === null && overall.requestRate) io.err(`warning: no observations in "${names.latency}" during the window; name the histogram with --latency`);
    if (values.json) {
      io.out(
        json({
          url: target,
          windowSeconds: elapsed,
          overall: overall ? figures(overall) : null,
          ...(by ? { by, groups: groups.map((g) => ({ value: g.group, ...figures(g) })) } : {}),
        }),
      );
      return EXIT.ok;
    }
    const f = overall ? figures(overall) : null;
    const lines = [
      `${target}: 2 scrapes ${elapsed.toFixed(1)} s apart`,
      `  requests  ${fixed(f?.requestRate ?? null, 2, ' req/s')}`,
      `  errors    ${fixed(f?.errorRate ?? null, 2, ' %')} (5xx)`,
      `  latency   p50 ${fixed(f?.p50 ?? null, 0, ' ms')}, p95 ${fixed(f?.p95 ?? null, 0, ' ms')}, p99 ${fixed(f?.p99 ?? null, 0, ' ms')}, average ${fixed(f?.avg ?? null, 0, ' ms')}`,
    ];
    if (by) lines.push('', `By ${by}:`, ...table(by, groups.map((g) => ({ name: g.group === '' ? '(none)' : g.group, f: figures(g) }))));
    io.out(lines.join('\n'));
    return EXIT.ok;
  });
}
