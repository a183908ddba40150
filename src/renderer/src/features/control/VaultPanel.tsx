/**
 * Credentials: the vault's state, unlocking it (choosing the passphrase
 * the first time, typed twice), locking it, and the secret names with the
 * ones the profile needs but the vault lacks marked. Values go in through
 * password fields that are emptied on submit and are never shown, stored
 * or read back: the inputs are uncontrolled, so no value sits in React
 * state either.
 *
 * Every secret says where it may be sent ("May be sent to", the operator's
 * word, which no profile can widen): main checks and normalises the list;
 * a secret stored before scopes existed is marked and sent nowhere until
 * it is given one. Scopes are not secret, so they are shown in full.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { VaultStatus } from '../../../../shared/control-model';
import { deleteSecret, lockVault, putSecret, setSecretScope, unlockVault } from './control-calls';
import { errorText } from '../shell/feedback-slice';

const NAME_RULE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const SCOPE_PLACEHOLDER = 'https://api.example.com\ndb.internal:5432\nprogram:kubectl';
const SCOPE_HINT = 'One destination per line or comma separated: an origin (https://api.example.com), host:port for Redis, PostgreSQL and MongoDB, or program:NAME for a command\'s environment.';

/** What the operator typed as destinations, one per line or comma separated; main says which entry is not a destination. */
function scopeEntries(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry.length > 0);
}

/** Keys Flightdeck keeps for itself (signing) are scoped to local:… and never leave the laptop. */
function isLocalScope(scope: readonly string[] | undefined): boolean {
  return !!scope && scope.length > 0 && scope.every((d) => d.startsWith('local:'));
}

const STATE_LABEL: Record<VaultStatus['state'], string> = { uninitialised: 'not set up', locked: 'locked', unlocked: 'unlocked' };

/** Empties password fields whatever the outcome: a value typed once is never left behind. */
function clear(...inputs: Array<HTMLInputElement | null>) {
  for (const input of inputs) if (input) input.value = '';
}

export function VaultPanel({ vault }: { vault: VaultStatus }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const names = [...new Set([...vault.names, ...vault.missing])].sort();
  const valueRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [scopeText, setScopeText] = useState('');

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const chooseName = (chosen: string) => {
    setName(chosen);
    setScopeText((vault.scopes[chosen] ?? []).join('\n'));
    valueRef.current?.focus();
  };

  return (
    <section className="control-section vault" data-testid="vault-panel" data-state={vault.state} aria-labelledby="vault-title">
      <div className="control-section-head">
        <h3 id="vault-title">Credentials</h3>
        <span className={`vault-state vault-${vault.state}`} data-testid="vault-state">
          {STATE_LABEL[vault.state]}
        </span>
      </div>
      <p className="muted vault-kind">{vault.kind === 'safe-storage' ? 'Encrypted with the system keyring.' : 'Passphrase vault (scrypt, AES-256-GCM), unlocked once per session.'}</p>
      {vault.state === 'uninitialised' && <ChoosePassphrase busy={busy} onSubmit={(p) => run(() => unlockVault(p))} />}
      {vault.state === 'locked' && <Unlock busy={busy} onSubmit={(p) => run(() => unlockVault(p))} />}
      {vault.state === 'unlocked' && (
        <button type="button" className="btn btn-small" data-testid="vault-lock" disabled={busy} onClick={() => void run(lockVault)}>
          Lock
        </button>
      )}
      {error && (
        <p className="control-error" role="alert" data-testid="vault-error">
          {error}
        </p>
      )}
      {vault.missing.length > 0 && (
        <p className="vault-missing-note" data-testid="vault-missing">
          The profile needs {vault.missing.length === 1 ? 'a secret' : 'secrets'} the vault does not hold: {vault.missing.join(', ')}.
        </p>
      )}
      {names.length > 0 && (
        <ul className="secret-list">
          {names.map((n) => (
            <SecretRow
              key={n}
              name={n}
              missing={!vault.names.includes(n)}
              scope={vault.scopes[n]}
              unlocked={vault.state === 'unlocked'}
              busy={busy}
              onChoose={chooseName}
              onDelete={() => run(() => deleteSecret(n))}
              onScope={(scope) => run(() => setSecretScope(n, scope))}
            />
          ))}
        </ul>
      )}
      {vault.state === 'unlocked' && (
        <form
          className="secret-form"
          autoComplete="off"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            const value = valueRef.current?.value ?? '';
            clear(valueRef.current);
            if (!NAME_RULE.test(name)) {
              setError('A secret name starts with a letter and uses letters, digits, "_", "." or "-" (64 characters at most).');
              return;
            }
            if (value === '') {
              setError(`Enter the value for ${name}.`);
              return;
            }
            const scope = scopeEntries(scopeText);
            if (scope.length === 0) {
              setError(`Say where ${name} may be sent. ${SCOPE_HINT}`);
              return;
            }
            void run(() => putSecret(name, value, scope)).then((ok) => {
              if (!ok) return;
              setName('');
              setScopeText('');
            });
          }}
        >
          <input aria-label="Secret name" data-testid="secret-name" placeholder="NAME" spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} />
          <input ref={valueRef} aria-label="Secret value" data-testid="secret-value" type="password" autoComplete="new-password" placeholder="value" />
          <label className="secret-scope-field">
            <span>May be sent to</span>
            <textarea
              aria-label="May be sent to"
              data-testid="secret-scope"
              rows={2}
              spellCheck={false}
              placeholder={SCOPE_PLACEHOLDER}
              title={SCOPE_HINT}
              value={scopeText}
              onChange={(e) => setScopeText(e.target.value)}
            />
          </label>
          <button type="submit" className="btn btn-small" data-testid="secret-save" disabled={busy}>
            {vault.names.includes(name) ? 'Replace' : 'Add'}
          </button>
        </form>
      )}
    </section>
  );
}

interface RowProps {
  name: string;
  missing: boolean;
  /** Where it may be sent; undefined for a stored secret with no scope yet (or a missing one). */
  scope: string[] | undefined;
  unlocked: boolean;
  busy: boolean;
  onChoose: (name: string) => void;
  onDelete: () => Promise<boolean>;
  onScope: (scope: string[]) => Promise<boolean>;
}

function SecretRow({ name, missing, scope, unlocked, busy, onChoose, onDelete, onScope }: RowProps) {
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const local = isLocalScope(scope);
  const unscoped = !missing && !scope;
  return (
    <li className={missing ? 'secret missing' : unscoped ? 'secret unscoped' : 'secret'} data-testid="secret" data-name={name} data-missing={missing ? 'true' : 'false'} data-scoped={scope ? 'true' : 'false'}>
      <span className="secret-name mono">{name}</span>
      {missing && <span className="secret-missing-tag">missing</span>}
      {scope && (
        <span className="secret-scope-list" data-testid="secret-scope-list">
          {local ? 'kept in Flightdeck, never sent' : <>may be sent to {scope.map((d) => <code key={d}>{d}</code>)}</>}
        </span>
      )}
      {unscoped && (
        <span className="secret-unscoped" data-testid="secret-unscoped">
          not scoped: used nowhere until you say where it may go
        </span>
      )}
      {editing !== null && (
        <form
          className="secret-scope-edit"
          onSubmit={(event) => {
            event.preventDefault();
            const entries = scopeEntries(editing);
            if (entries.length === 0) return;
            void onScope(entries).then((ok) => ok && setEditing(null));
          }}
        >
          <textarea aria-label={`Where ${name} may be sent`} data-testid="secret-scope-edit" rows={2} spellCheck={false} placeholder={SCOPE_PLACEHOLDER} title={SCOPE_HINT} value={editing} onChange={(e) => setEditing(e.target.value)} />
          <button type="submit" className="btn btn-small" data-testid="secret-scope-save" disabled={busy || scopeEntries(editing).length === 0}>
            Save scope
          </button>
          <button type="button" className="btn btn-small" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </form>
      )}
      {unlocked && !confirming && editing === null && (
        <span className="secret-actions">
          {!missing && !local && (
            <button type="button" className="link-btn" data-testid="secret-scope-open" onClick={() => setEditing((scope ?? []).join('\n'))}>
              {unscoped ? 'say where it may go' : 'scope'}
            </button>
          )}
          <button type="button" className="link-btn" onClick={() => onChoose(name)}>
            {missing ? 'add' : 'replace'}
          </button>
          {!missing && (
            <button type="button" className="link-btn danger-link" data-testid="secret-delete" onClick={() => setConfirming(true)}>
              delete
            </button>
          )}
        </span>
      )}
      {confirming && (
        <span className="secret-confirm" role="group" aria-label={`Delete ${name}?`}>
          Delete {name}?
          <button type="button" className="btn btn-small btn-danger" data-testid="secret-delete-confirm" disabled={busy} onClick={() => void onDelete().then(() => setConfirming(false))}>
            Delete
          </button>
          <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      )}
    </li>
  );
}

function Unlock({ busy, onSubmit }: { busy: boolean; onSubmit: (passphrase: string) => Promise<boolean> }) {
  const ref = useRef<HTMLInputElement>(null);
  return (
    <form
      className="vault-unlock"
      onSubmit={(event) => {
        event.preventDefault();
        const passphrase = ref.current?.value ?? '';
        clear(ref.current);
        if (passphrase) void onSubmit(passphrase);
      }}
    >
      <input ref={ref} type="password" aria-label="Vault passphrase" data-testid="vault-passphrase" autoComplete="current-password" placeholder="passphrase" />
      <button type="submit" className="btn btn-small btn-primary" data-testid="vault-unlock" disabled={busy}>
        Unlock
      </button>
    </form>
  );
}

function ChoosePassphrase({ busy, onSubmit }: { busy: boolean; onSubmit: (passphrase: string) => Promise<boolean> }) {
  const first = useRef<HTMLInputElement>(null);
  const second = useRef<HTMLInputElement>(null);
  const [mismatch, setMismatch] = useState<string | null>(null);
  return (
    <form
      className="vault-unlock vault-choose"
      onSubmit={(event) => {
        event.preventDefault();
        const a = first.current?.value ?? '';
        const b = second.current?.value ?? '';
        clear(first.current, second.current);
        if (a === '') return setMismatch('Choose a passphrase.');
        if (a !== b) return setMismatch('The two passphrases differ: type it again, twice.');
        setMismatch(null);
        void onSubmit(a);
      }}
    >
      <p className="vault-choose-note">Choose a passphrase for this vault. It cannot be recovered: without it the stored secrets must be entered again.</p>
      <input ref={first} type="password" aria-label="New passphrase" data-testid="vault-passphrase" autoComplete="new-password" placeholder="new passphrase" />
      <input ref={second} type="password" aria-label="New passphrase again" data-testid="vault-passphrase-again" autoComplete="new-password" placeholder="again" />
      {mismatch && (
        <p className="control-error" role="alert">
          {mismatch}
        </p>
      )}
      <button type="submit" className="btn btn-small btn-primary" data-testid="vault-unlock" disabled={busy}>
        Set passphrase and unlock
      </button>
    </form>
  );
}
