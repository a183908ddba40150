/**
 * "Wait for health" against live telemetry: resolves once every named probe
 * has answered up *after* the wait began (a green light from before the
 * step proves nothing about after it), or reports which are not up when
 * the time runs out.
 */
import type { ProbeStatus } from '../../../shared/telemetry-model';
import type { HealthWaiter } from '../rollback/rollback-ports';
import type { Telemetry } from './telemetry';

export function telemetryHealthWaiter(current: () => Telemetry, clock: () => number = Date.now): HealthWaiter {
  return (names, timeoutMs, signal) =>
    new Promise((resolve) => {
      const since = clock();
      const telemetry = current();
      const freshUp = (status: ProbeStatus | null) => status !== null && status.health === 'up' && (status.checkedAt ?? 0) >= since;
      const check = () => names.every((name) => freshUp(telemetry.probeStatus(name)));
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        off();
        signal.removeEventListener('abort', onAbort);
        if (ok) {
          resolve({ ok: true, message: `${names.join(', ')} up` });
          return;
        }
        const notUp = names.map((name) => ({ name, status: telemetry.probeStatus(name) })).filter(({ status }) => !freshUp(status));
        const detail = notUp.map(({ name, status }) => (status ? `${name} is ${status.health === 'up' ? 'not re-checked yet' : `${status.health} (${status.message})`}` : `${name} is not a probe of this profile`));
        resolve({ ok: false, message: `not healthy after ${Math.round(timeoutMs / 1000)} s: ${detail.join('; ')}` });
      };
      const off = telemetry.onProbeStatus(() => {
        if (check()) finish(true);
      });
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      // An 'abort' that already happened never fires again: without this the wait would run its full time.
      if (signal.aborted) finish(false);
      else signal.addEventListener('abort', onAbort, { once: true });
    });
}
