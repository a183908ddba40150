/**
 * "Not connected", across the top of the window, while main is gone: what
 * the screen shows may be stale, lights and graphs are greyed to unknown,
 * and acts wait. It says since when, and that it reconnects by itself, so
 * nobody reloads the tab (or reaches for a second window) at 2 a.m.
 */
import { formatSeconds } from '../../../../shared/format';
import { useConnection } from './connection';
import { useNow } from '../gates/useNow';
import './connection.css';

export function ConnectionBanner() {
  const state = useConnection((s) => s.state);
  const since = useConnection((s) => s.since);
  if (state === 'connected') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner" data-connection={state}>
      <strong>Not connected</strong>
      <span>
        Flightdeck is not answering (<LostFor since={since} />
        ). Lights and graphs are unknown and acts are disabled; this reconnects by itself when it is back.
      </span>
    </div>
  );
}

function LostFor({ since }: { since: number }) {
  const now = useNow(1000);
  return <>for {formatSeconds((now - since) / 1000)}</>;
}
