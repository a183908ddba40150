/**
 * Credentials: the vault's state, unlocking it (choosing the passphrase
 * the first time, typed twice), locking it, and the secret names with the
 * ones the profile needs but the vault lacks marked. Values go in through
 * password fields that are emptied on submit and are never shown, stored
 * or read back: the inputs are uncontrolled, so no value sits in React
 * state either.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { VaultStatus } from '../../../../shared/control-model';
import { deleteSecret, lockVault, putSecret, unlockVault } from '../../store/control-calls';
import { errorText } from '../../store/feedback-slice';

const NAME_RULE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

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
            <SecretRow key={n} name={n} missing={!vault.names.includes(n)} unlocked={vault.state === 'unlocked'} busy={busy} onChoose={chooseName} onDelete={() => run(() => deleteSecret(n))} />
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
            void run(() => putSecret(name, value)).then((ok) => ok && setName(''));
          }}
        >
          <input aria-label="Secret name" data-testid="secret-name" placeholder="NAME" spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} />
          <input ref={valueRef} aria-label="Secret value" data-testid="secret-value" type="password" autoComplete="new-password" placeholder="value" />
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
  unlocked: boolean;
  busy: boolean;
  onChoose: (name: string) => void;
  onDelete: () => Promise<boolean>;
}

function SecretRow({ name, missing, unlocked, busy, onChoose, onDelete }: RowProps) {
  const [confirming, setConfirming] = useState(false);
  return (
    <li className={missing ? 'secret missing' : 'secret'} data-testid="secret" data-name={name} data-missing={missing ? 'true' : 'false'}>
      <span className="secret-name mono">{name}</span>
      {missing && <span className="secret-missing-tag">missing</span>}
      {unlocked && !confirming && (
        <span className="secret-actions">
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
