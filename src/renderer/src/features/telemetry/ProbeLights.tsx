/**
 * One status light per probe. The health is written next to the light, so
 * it reads without colour; the tooltip says what the probe last saw and
 * when. A probe that has not answered yet is grey and says so.
 */
import type { ProbeHealth, ProbeStatus } from '../../../../shared/telemetry-model';
import { useConnected } from '../connection/connection';
import { useTelemetry } from './telemetry-store';
import { formatClock } from './graph-data';

const HEALTH_TEXT: Record<ProbeHealth, string> = {
  up: 'Up',
  degraded: 'Degraded',
  down: 'Down',
  unknown: 'No answer yet',
};

export function ProbeLights() {
  const probes = useTelemetry((s) => s.probes);
  const connected = useConnected();
  if (probes.length === 0) return null;
  return (
    <ul className="probe-lights" aria-label="Probe status">
      {probes.map((probe) => {
        // Not connected: the last answer main passed on may no longer hold, so no light stays green.
        const health: ProbeHealth = connected ? probe.health : 'unknown';
        return (
          <li key={probe.name} className={`probe-light health-${health}`} data-testid="probe-light" data-probe={probe.name} data-health={health} title={connected ? tooltip(probe) : NOT_CONNECTED_TEXT}>
            <span className="light" aria-hidden="true" />
            <span className="probe-name">{probe.name}</span>
            <span className="probe-health">{connected ? HEALTH_TEXT[health] : 'Unknown'}</span>
          </li>
        );
      })}
    </ul>
  );
}

const NOT_CONNECTED_TEXT = 'Unknown: Flightdeck is not connected, so this probe\'s last answer may no longer hold.';

function tooltip(probe: ProbeStatus): string {
  const checked = probe.checkedAt === null ? 'not checked yet' : `checked ${formatClock(probe.checkedAt, true)}`;
  return `${probe.name} (${probe.kind}) ${probe.target}\n${probe.message}\n${checked}`;
}
