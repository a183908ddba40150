/**
 * HTTP health check: one request (plus allowed redirect hops) within the
 * probe's deadline, judged on status, optional body text and latency.
 */
import type { Dispatcher } from 'undici';
import type { HttpProbeConfig } from '../profile/probes-schema';
import { boundedRequest, RequestFailed } from './bounded-request';
import { Deadline } from './deadline';
import type { Probe, ProbeDeps, ProbeReading } from './probe';
import { createProbeAgent } from './probe-agent';
import { downReading, elapsedMs, errorMessage, reading } from './reading';
import { isRedirect, RedirectPolicy } from './redirect-policy';
import { httpDestination } from '../vault/destination';
import { resolveHeaders } from '../vault/secrets';
import { displayTarget, originOf, scrub } from './target-display';

export const MAX_BODY_BYTES = 1024 * 1024;

/** "200", "200 or 204", "200-299". */
export function describeExpected(expected: number | readonly number[]): string {
  const list = [...(Array.isArray(expected) ? expected : [expected])].sort((a, b) => a - b);
  const contiguous = list.length > 2 && list.every((n, i) => i === 0 || n === list[i - 1]! + 1);
  if (contiguous) return `${list[0]}-${list[list.length - 1]}`;
  return list.length <= 2 ? list.join(' or ') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

export class HttpProbe implements Probe {
  readonly kind = 'http' as const;
  readonly name: string;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly redirects: RedirectPolicy;
  private readonly expected: readonly number[];
  private readonly url: URL;
  private readonly origin: string;

  constructor(
    private readonly config: HttpProbeConfig,
    private readonly deps: ProbeDeps,
  ) {
    this.name = config.name;
    this.target = displayTarget(config.url);
    this.intervalMs = config.intervalSeconds * 1000;
    this.timeoutMs = config.timeoutMs;
    this.dispatcher = createProbeAgent({ connectTimeoutMs: config.timeoutMs, trustedCa: deps.trustedCa });
    this.redirects = new RedirectPolicy(config.allowRedirectsTo);
    this.expected = Array.isArray(config.expectStatus) ? config.expectStatus : [config.expectStatus];
    this.url = new URL(config.url);
    this.origin = originOf(this.url);
  }

  async run(signal?: AbortSignal): Promise<ProbeReading> {
    const deadline = new Deadline(this.timeoutMs, signal);
    const startedAt = performance.now();
    let secretValues: string[] = [];
    try {
      // Secret headers go only to the first origin (redirects elsewhere get the literal ones), so that origin is the destination.
      const headers = resolveHeaders(this.config.headers, this.deps.secrets, httpDestination(this.config.url));
      secretValues = headers.secretValues;
      let url = this.url;
      let method = this.config.method;
      const visited: URL[] = [url];
      for (;;) {
        const response = await boundedRequest({
          url,
          method,
          headers: url === this.url || originOf(url) === this.origin ? headers.all : headers.literal,
          maxBodyBytes: MAX_BODY_BYTES,
          dispatcher: this.dispatcher,
          deadline,
        });
        if (!isRedirect(response.status)) return this.judge(response.status, response.body, response.truncated, elapsedMs(startedAt), visited.length - 1);
        const location = response.headers.location;
        const decision = this.redirects.decide(response.status, url, Array.isArray(location) ? location[0] : location, visited);
        if (!decision.follow) return downReading(decision.message, elapsedMs(startedAt), { status: response.status });
        url = decision.url;
        if (response.status === 303) method = 'GET';
        visited.push(url);
      }
    } catch (error) {
      const message = error instanceof RequestFailed ? error.message : errorMessage(error);
      return downReading(scrub(message, secretValues));
    } finally {
      deadline.clear();
    }
  }

  private judge(status: number, body: Buffer, truncated: boolean, latencyMs: number, hops: number): ProbeReading {
    const details = { status, redirects: hops, bodyBytes: body.length };
    const samples = [{ metric: 'response_time', value: latencyMs, unit: 'ms', label: 'Response time' }];
    if (!this.expected.includes(status)) return reading('down', `HTTP ${status} (expected ${describeExpected(this.expected)})`, latencyMs, samples, details);
    const wanted = this.config.bodyIncludes;
    if (wanted !== undefined && this.config.method !== 'HEAD' && !body.toString('utf8').includes(wanted)) {
      const scope = truncated ? ` in its first ${MAX_BODY_BYTES / 1024 / 1024} MB` : '';
      return reading('down', `HTTP ${status} but the body does not contain "${wanted}"${scope}`, latencyMs, samples, details);
    }
    const took = `HTTP ${status} in ${Math.round(latencyMs)} ms`;
    const slow = this.config.degradedOverMs;
    if (slow !== undefined && latencyMs > slow) return reading('degraded', `${took} (slower than ${slow} ms)`, latencyMs, samples, details);
    return reading('up', took, latencyMs, samples, details);
  }

  async close(): Promise<void> {
    await this.dispatcher.destroy().catch(() => undefined);
  }
}
