/** Beside an act that is disabled because main is not answering: says why, so the disabled control is not a mystery. */
import { NOT_CONNECTED_REASON, useConnected } from './connection';
import './connection.css';

export function NotConnectedNote() {
  const connected = useConnected();
  if (connected) return null;
  return (
    <p className="not-connected-note" role="status" data-testid="not-connected-note">
      {NOT_CONNECTED_REASON}
    </p>
  );
}
