/**
 * "Fly with your team…": joins the open session to a team session in the
 * team's PostgreSQL (issue 16). The password goes to main once and into
 * the vault, scoped to the store; main signs as the operator with their
 * own key. When the store lacks Flightdeck's schema, the migrations are
 * listed and run only when the person presses to approve them.
 */
import { useRef, useState } from 'react';
import { api } from '../../api';
import { useControl } from '../control/control-store';
import { VaultPanel } from '../control/VaultPanel';
import { useTeam } from './team-store';

type Pending = { version: number; summary: string }[];

export function JoinTeam() {
  const [open, setOpen] = useState(false);
  const [store, setStore] = useState('');
  const [session, setSession] = useState('');
  // The password goes through an uncontrolled field, emptied after the call, and never into React state.
  const passwordRef = useRef<HTMLInputElement>(null);
  const vault = useControl((s) => s.control?.vault ?? null);
  const [pending, setPending] = useState<Pending>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!open) {
    return (
      <button type="button" className="btn btn-small team-join-open" data-testid="team-join-open" onClick={() => setOpen(true)}>
        Fly with your team…
      </button>
    );
  }

  const join = async (migrate: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const field = passwordRef.current;
      const answer = await api.joinTeam({ store: store.trim(), session: session.trim(), password: field?.value ?? '', migrate });
      if (field) field.value = '';
      if (answer.pendingMigrations.length > 0) {
        setPending(answer.pendingMigrations);
        return;
      }
      setPending([]);
      useTeam.getState().apply(answer.team);
      setOpen(false);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // The vault's own panel (a form of its own) sits above the join form, never inside it.
  return (
    <div className="team-join-wrap" data-testid="team-join">
      {vault && vault.state !== 'unlocked' && (
        <>
          <p className="muted">Your signing key and the store's password are kept in the vault: unlock it first.</p>
          <VaultPanel vault={vault} />
        </>
      )}
    <form
      className="team-join"
      onSubmit={(event) => {
        event.preventDefault();
        void join(false);
      }}
    >
      <h2 className="panel-title">Fly with your team</h2>
      <p className="muted">Everyone who joins the same team session sees each other's ticks, notes and decisions, signed by each person's own key, through your team's PostgreSQL.</p>
      <label>
        Team store
        <input value={store} onChange={(e) => setStore(e.target.value)} placeholder="postgres://user@db.example.com:5432/flightdeck" spellCheck={false} autoComplete="off" required data-testid="team-join-store" />
      </label>
      <label>
        Team session
        <input value={session} onChange={(e) => setSession(e.target.value)} placeholder="release-2026-12-03" spellCheck={false} autoComplete="off" required data-testid="team-join-session" />
      </label>
      <label>
        Store password (kept in the vault, sent only to this store)
        <input type="password" ref={passwordRef} autoComplete="off" data-testid="team-join-password" />
      </label>
      {pending.length > 0 && (
        <div className="team-join-migrations" role="alert" data-testid="team-join-migrations">
          <p>The store needs Flightdeck's schema first:</p>
          <ul>
            {pending.map((m) => (
              <li key={m.version}>
                Version {m.version}: {m.summary}
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void join(true)} data-testid="team-join-migrate">
            Run these migrations and join
          </button>
        </div>
      )}
      {error && (
        <p className="team-join-error" role="alert" data-testid="team-join-error">
          {error}
        </p>
      )}
      <div className="team-join-actions">
        <button type="submit" className="btn btn-small" disabled={busy} data-testid="team-join-submit">
          Join
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
    </div>
  );
}
