/**
 * Runs one probe on its interval: the first run jittered (so fifty probes do
 * not all fire in the same millisecond), never two runs of the same probe at
 * once, and a deadline enforced here as well as in the probe, so a probe
 * that hangs is reported down instead of silently stopping its graph. A
 * probe that could not be created (a secret not yet unlocked) is retried on
 * the next interval.
 */
import { messageOf } from '../../../shared/errors';
import type { ProbeConfig } from '../profile/probes-schema';
import type { Probe, ProbeReading } from '../probes/probe';

/** Extra time a probe gets past its own timeout before the runner gives up on it. */
export const DEADLINE_GRACE_MS = 250;
/** How long stop() waits for a run in flight to end after the abort. */
const STOP_WAIT_MS = 500;
/** The first run comes within this long (or the interval, if shorter) after start. */
const MAX_FIRST_DELAY_MS = 1000;

export interface ProbeRunnerOptions {
  config: ProbeConfig;
  createProbe: (config: ProbeConfig) => Probe;
  /** Gets every reading, with the time it was taken; never two at once for this probe. */
  onReading: (reading: ProbeReading, at: number) => void;
  clock: () => number;
  random: () => number;
}

export class ProbeRunner {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private probe: Probe | null = null;
  private timer: NodeJS.Timeout | null = null;
  private deadline: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private stopped = false;

  constructor(private readonly options: ProbeRunnerOptions) {
    this.intervalMs = options.config.intervalSeconds * 1000;
    this.timeoutMs = options.config.timeoutMs;
  }

  /** The probe's own description of its target, once it exists. */
  get target(): string | null {
    return this.probe?.target ?? null;
  }

  start(): void {
    this.schedule(this.options.random() * Math.min(this.intervalMs, MAX_FIRST_DELAY_MS));
  }

  /**
   * Clears the timers, aborts a run in flight, gives it a moment to let go
   * of its connection (not longer: a probe that ignores the abort must not
   * hold up quitting) and closes the probe.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.deadline) clearTimeout(this.deadline);
    this.timer = this.deadline = null;
    this.abort?.abort();
    if (this.inFlight) {
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([this.inFlight, new Promise<void>((resolve) => (wait = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(wait);
    }
    const probe = this.probe;
    this.probe = null;
    await probe?.close().catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    const startedAt = Date.now();
    // The previous run is still going (it blew its deadline and ignores the abort): it was already reported down.
    if (!this.inFlight) this.inFlight = this.runOnce().finally(() => (this.inFlight = null));
    this.schedule(this.intervalMs - (Date.now() - startedAt));
  }

  private async runOnce(): Promise<void> {
    if (!this.probe) {
      try {
        this.probe = this.options.createProbe(this.options.config);
      } catch (error) {
        this.report({ health: 'down', message: `cannot start the probe: ${messageOf(error)}`, latencyMs: null, samples: [], details: {} });
        return;
      }
    }
    const abort = new AbortController();
    this.abort = abort;
    let settled = false;
    const deadlineMs = this.timeoutMs + DEADLINE_GRACE_MS;
    this.deadline = setTimeout(() => {
      if (settled) return;
      settled = true;
      abort.abort();
      this.report({ health: 'down', message: `no answer within ${this.timeoutMs} ms`, latencyMs: null, samples: [], details: {} });
    }, deadlineMs);
    this.deadline.unref();
    let reading: ProbeReading;
    try {
      reading = await this.probe.run(abort.signal);
    } catch (error) {
      // Probes promise never to throw; one that does is down, not a crash.
      reading = { health: 'down', message: messageOf(error), latencyMs: null, samples: [], details: {} };
    } finally {
      if (this.deadline) clearTimeout(this.deadline);
      this.deadline = null;
      this.abort = null;
    }
    if (settled) return; // too late: already reported down; a stale answer must not turn the light green
    settled = true;
    this.report(reading);
  }

  private report(reading: ProbeReading): void {
    if (this.stopped) return;
    this.options.onReading(reading, this.options.clock());
  }
}
