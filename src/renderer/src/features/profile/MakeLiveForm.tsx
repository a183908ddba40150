/**
 * "Make this runbook live" (issue 15): a proposal per target the runbook
 * names, each with the line it came from. The person fills each
 * placeholder where it sits in the target, picks the vault secret (or
 * stores one now, with where it may go), may test a probe or flag once —
 * the button names the one host it contacts, and nothing is contacted
 * without that press — and accepts or ignores each proposal. Saving writes
 * the profile beside the runbook; the caller then shows the trust screen.
 */
import { useEffect, useRef, useState } from 'react';
import { FIELD_TOKEN, type DraftChoices, type DraftField, type DraftProposal } from '../../../../shared/profile-draft';
import type { DraftTestResult, DraftView } from '../../../../shared/profile-draft-calls';
import type { VaultStatus } from '../../../../shared/control-model';
import { ControlModal } from '../control/ControlModal';
import { VaultPanel } from '../control/VaultPanel';
import { putSecret } from '../control/control-calls';
import { useControl } from '../control/control-store';
import { errorText } from '../shell/feedback-slice';
import { editableUrl, secretDestination, targetOf, testOrigin, type Values } from './draft-view';
import { loadDraft, saveDraft, testProposal } from './profile-calls';
import './make-live.css';

interface Props {
  onClose: () => void;
  /** Saved: the runbook is reopened with its new profile, ready for review. */
  onSaved: () => void;
}

type Choices = DraftChoices['proposals'];

const KIND_LABEL: Record<DraftProposal['kind'], string> = { probe: 'Probe', flag: 'Flag', backup: 'Backup', command: 'Command', rollback: 'Rollback plan', trigger: 'Trigger' };

export function MakeLiveForm({ onClose, onSaved }: Props) {
  const [view, setView] = useState<DraftView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [values, setValues] = useState<Values>({});
  const [choices, setChoices] = useState<Choices>({});
  const [confirmReplace, setConfirmReplace] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    loadDraft()
      .then((loaded) => {
        setView(loaded);
        setChoices(Object.fromEntries(loaded.draft.proposals.map((p) => [p.id, { accepted: p.accepted, secret: p.secret && (p.secret.required || p.secret.preset) ? p.secret.suggested : null }])));
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, []);

  const choose = (p: DraftProposal, accepted: boolean) =>
    setChoices((current) => {
      const next = { ...current, [p.id]: { ...current[p.id]!, accepted } };
      // Alternatives of one group (one flag, several backends): keeping one sets the others aside.
      if (accepted && p.group) for (const other of view!.draft.proposals) if (other.group === p.group && other.id !== p.id) next[other.id] = { ...next[other.id]!, accepted: false };
      return next;
    });

  const save = async (overwrite: boolean) => {
    setSaving(true);
    setError(null);
    try {
      await saveDraft({ values, proposals: choices }, overwrite, view!.editing);
      onSaved();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const fields = new Map((view?.draft.fields ?? []).map((f) => [f.key, f]));
  return (
    <ControlModal title="Make this runbook live" testId="make-live-dialog" onClose={onClose} className="make-live">
      {!view && !error && <p className="muted">Reading what the runbook names…</p>}
      {view && (
        <>
          {view.editing ? (
            <p className="make-live-intro" data-testid="make-live-editing">
              <code>{view.fileName}</code> is already beside the runbook: its entries are ticked below with their values; what Flightdeck read in <code>{view.draft.runbook}</code> that it lacks is offered as new, unticked. Saving edits that file in place (your comments stay on what you leave unchanged), then you review and trust what it would do.
            </p>
          ) : (
            <p className="make-live-intro">
              Flightdeck read these targets in <code>{view.draft.runbook}</code>. Fill what the runbook only names, keep what you want, and save: the profile goes beside the runbook as <code>{view.fileName}</code> (the markdown is not changed), then you review and trust what it would do.
            </p>
          )}
          {view.draft.proposals.length === 0 && <p className="muted">The runbook names no health URL, flag, database dump or rollout command to bind.</p>}
          <ol className="make-live-proposals">
            {view.draft.proposals.map((p) => (
              <ProposalCard
                key={p.id}
                proposal={p}
                fields={fields}
                values={values}
                setValue={(key, value) => setValues((v) => ({ ...v, [key]: value }))}
                choice={choices[p.id] ?? { accepted: p.accepted }}
                onAccept={(accepted) => choose(p, accepted)}
                onSecret={(secret) => setChoices((c) => ({ ...c, [p.id]: { ...c[p.id]!, secret } }))}
                onEdit={(edit) => setChoices((c) => ({ ...c, [p.id]: { ...c[p.id]!, ...edit } }))}
                choices={{ values, proposals: choices }}
                editing={view.editing}
              />
            ))}
          </ol>
          {view.kept.length > 0 && (
            <ul className="make-live-kept" data-testid="draft-kept">
              {view.kept.map((k) => (
                <li key={`${k.what}:${k.line}`}>
                  <code>{k.what}</code> (line {k.line}): kept as written
                </li>
              ))}
            </ul>
          )}
          <div className="make-live-save">
            {view.exists && !view.editing && confirmReplace ? (
              <>
                <span>
                  <code>{view.fileName}</code> already exists. Replace it?
                </span>
                <button type="button" className="btn btn-primary" data-testid="make-live-replace" disabled={saving} onClick={() => void save(true)}>
                  Replace it
                </button>
                <button type="button" className="btn" onClick={() => setConfirmReplace(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" className="btn btn-primary" data-testid="make-live-save" disabled={saving} onClick={() => (view.exists && !view.editing ? setConfirmReplace(true) : void save(false))}>
                Save {view.fileName} and review
              </button>
            )}
          </div>
        </>
      )}
      {error && (
        <p className="trust-error" role="alert" data-testid="make-live-error">
          {error}
        </p>
      )}
    </ControlModal>
  );
}

interface CardProps {
  proposal: DraftProposal;
  fields: Map<string, DraftField>;
  values: Values;
  setValue: (key: string, value: string) => void;
  choice: DraftChoices['proposals'][string];
  onAccept: (accepted: boolean) => void;
  onSecret: (secret: string | null) => void;
  onEdit: (edit: { value?: number; forSeconds?: number; severity?: 'yellow' | 'red'; url?: string }) => void;
  choices: DraftChoices;
  /** The form started from an existing profile: a proposal from the runbook is marked new. */
  editing: boolean;
}

function ProposalCard({ proposal: p, fields, values, setValue, choice, onAccept, onSecret, onEdit, choices, editing }: CardProps) {
  const origin = testOrigin(p, values, choice.url);
  const url = p.existing ? editableUrl(p) : null;
  return (
    <li className={`make-live-proposal${choice.accepted ? '' : ' ignored'}`} data-testid="draft-proposal" data-id={p.id} data-kind={p.kind} data-accepted={choice.accepted} data-existing={p.existing === true}>
      <div className="make-live-head">
        <span className="make-live-kind">{KIND_LABEL[p.kind]}</span>
        {editing && !p.existing && <span className="make-live-new">new</span>}
        <span className="make-live-title">{p.title.replace(FIELD_TOKEN, (_t, key: string) => fields.get(key)?.written ?? key)}</span>
        <label className="make-live-accept">
          <input type="checkbox" data-testid="draft-accept" checked={choice.accepted} onChange={(e) => onAccept(e.target.checked)} /> Use
        </label>
      </div>
      {p.existing ? (
        <p className="make-live-source">in {p.source}</p>
      ) : (
        <p className="make-live-source">
          line {p.line}
          {p.lines.length > 1 ? ` (also ${p.lines.filter((l) => l !== p.line).join(', ')})` : ''}: <code>{p.source}</code>
        </p>
      )}
      {p.kind === 'trigger' ? (
        <TriggerEdit proposal={p} choice={choice} onEdit={onEdit} />
      ) : url !== null ? (
        <p className="make-live-target">
          <input className="make-live-url" data-testid="draft-url" aria-label={`${KIND_LABEL[p.kind]} ${p.title} URL`} defaultValue={url} onChange={(e) => onEdit({ url: e.target.value.trim() === '' || e.target.value === url ? undefined : e.target.value.trim() })} />
        </p>
      ) : (
        <p className="make-live-target">
          <TargetWithFields text={targetOf(p)} fields={fields} values={values} setValue={setValue} />
        </p>
      )}
      {p.note && <p className="muted make-live-note">{p.note}</p>}
      {p.secret && choice.accepted && <SecretChoice proposal={p} values={values} chosen={choice.secret ?? null} onChoose={onSecret} />}
      {(p.kind === 'probe' || p.kind === 'flag') && choice.accepted && <TestConnection proposal={p} origin={origin} choices={choices} />}
    </li>
  );
}

/** A trigger as the runbook states it, its threshold and duration open to correction (the extractor can misread). */
function TriggerEdit({ proposal: p, choice, onEdit }: { proposal: DraftProposal; choice: DraftChoices['proposals'][string]; onEdit: (edit: { value?: number; forSeconds?: number; severity?: 'yellow' | 'red' }) => void }) {
  const e = p.entry as { metric: string; op: string; value: number; forSeconds?: number; severity?: 'yellow' | 'red' };
  const number = (text: string) => (text.trim() === '' || !Number.isFinite(Number(text)) ? undefined : Number(text));
  return (
    <p className="make-live-target make-live-trigger">
      <code>
        {e.metric} {e.op}{' '}
        <input className="make-live-number" data-testid="draft-trigger-value" aria-label="Threshold" inputMode="decimal" defaultValue={String(choice.value ?? e.value)} onChange={(ev) => onEdit({ value: number(ev.target.value) })} /> for{' '}
        <input className="make-live-number" data-testid="draft-trigger-for" aria-label="For seconds" inputMode="decimal" defaultValue={choice.forSeconds ?? e.forSeconds ?? ''} placeholder="min hold" onChange={(ev) => onEdit({ forSeconds: number(ev.target.value) })} /> s
      </code>{' '}
      {/* The runbook rarely says which band; a warning-level condition should not sound the alarm. */}
      <select className="make-live-band" data-testid="draft-trigger-band" aria-label="Band" defaultValue={choice.severity ?? e.severity ?? 'red'} onChange={(ev) => onEdit({ severity: ev.target.value === 'yellow' ? 'yellow' : 'red' })}>
        <option value="red">red: alarm</option>
        <option value="yellow">yellow: warning</option>
      </select>
    </p>
  );
}

/** The target as text, each placeholder an input where it stands (filled once, everywhere it appears). */
function TargetWithFields({ text, fields, values, setValue }: { text: string; fields: Map<string, DraftField>; values: Values; setValue: (key: string, value: string) => void }) {
  const parts: Array<string | { key: string }> = [];
  let last = 0;
  for (const match of text.matchAll(FIELD_TOKEN)) {
    parts.push(text.slice(last, match.index));
    parts.push({ key: match[1]! });
    last = match.index! + match[0].length;
  }
  parts.push(text.slice(last));
  return (
    <code className="make-live-target-text">
      {parts.map((part, i) => {
        if (typeof part === 'string') return <span key={i}>{part}</span>;
        const field = fields.get(part.key);
        return (
          <input
            key={i}
            className="make-live-field"
            data-testid={`draft-field-${part.key}`}
            aria-label={field ? `${field.label} (the runbook writes ${field.written})` : part.key}
            title={field ? `${field.label}; the runbook writes ${field.written} (line ${field.line})` : part.key}
            placeholder={field?.example ?? part.key}
            value={values[part.key] ?? ''}
            onChange={(e) => setValue(part.key, e.target.value)}
          />
        );
      })}
    </code>
  );
}

function SecretChoice({ proposal: p, values, chosen, onChoose }: { proposal: DraftProposal; values: Values; chosen: string | null; onChoose: (name: string | null) => void }) {
  const vault = useControl((s) => s.control?.vault ?? null);
  const slot = p.secret!;
  const [storing, setStoring] = useState(false);
  const names = [...new Set([...(vault?.names ?? []), slot.suggested, ...(chosen ? [chosen] : [])])].sort();
  return (
    <div className="make-live-secret">
      <label>
        Secret ({slot.why}){' '}
        <select
          data-testid="draft-secret"
          value={storing ? '__store' : (chosen ?? '')}
          onChange={(e) => {
            if (e.target.value === '__store') setStoring(true);
            else {
              setStoring(false);
              onChoose(e.target.value === '' ? null : e.target.value);
            }
          }}
        >
          {!slot.required && <option value="">none</option>}
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
              {vault && !vault.names.includes(name) ? ' (not in the vault yet)' : ''}
            </option>
          ))}
          <option value="__store">Store a secret now…</option>
        </select>
      </label>
      {storing && (
        <StoreSecret
          suggested={chosen ?? slot.suggested}
          scope={secretDestination(p, values)}
          vault={vault}
          onStored={(name) => {
            setStoring(false);
            onChoose(name);
          }}
        />
      )}
    </div>
  );
}

/** A secret stored from the form: the value goes through an uncontrolled password field, emptied on submit, and never into React state. */
function StoreSecret({ suggested, scope, vault, onStored }: { suggested: string; scope: string; vault: VaultStatus | null; onStored: (name: string) => void }) {
  const [name, setName] = useState(suggested);
  const [scopeText, setScopeText] = useState(scope);
  const [error, setError] = useState<string | null>(null);
  const valueRef = useRef<HTMLInputElement>(null);
  // The vault's own panel, where it is unlocked (or its passphrase chosen): the form sits over the control panel.
  if (vault && vault.state !== 'unlocked') return <VaultPanel vault={vault} />;
  return (
    <div className="make-live-store">
      <input aria-label="Secret name" data-testid="draft-secret-name" value={name} onChange={(e) => setName(e.target.value)} />
      <input aria-label="Secret value" data-testid="draft-secret-value" type="password" ref={valueRef} autoComplete="off" />
      <input aria-label="May be sent to" data-testid="draft-secret-scope" value={scopeText} onChange={(e) => setScopeText(e.target.value)} title="Where it may be sent: an origin or host:port, comma separated" />
      <button
        type="button"
        className="btn btn-small"
        data-testid="draft-secret-store"
        onClick={() => {
          const value = valueRef.current?.value ?? '';
          if (valueRef.current) valueRef.current.value = '';
          setError(null);
          putSecret(name, value, scopeText.split(/[\s,]+/).filter(Boolean))
            .then(() => onStored(name))
            .catch((e: unknown) => setError(errorText(e)));
        }}
      >
        Store
      </button>
      {error && (
        <p className="trust-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function TestConnection({ proposal: p, origin, choices }: { proposal: DraftProposal; origin: string | null; choices: DraftChoices }) {
  const [result, setResult] = useState<DraftTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (origin === null) return <p className="muted make-live-test">Fill the target to test it.</p>;
  return (
    <div className="make-live-test">
      <button
        type="button"
        className="btn btn-small"
        data-testid="draft-test"
        disabled={busy}
        title={`Contacts ${origin} once, now; nothing else until the profile is approved`}
        onClick={() => {
          setBusy(true);
          setError(null);
          setResult(null);
          testProposal(p.id, choices, origin)
            .then(setResult)
            .catch((e: unknown) => setError(errorText(e)))
            .finally(() => setBusy(false));
        }}
      >
        Test connection to {origin}
      </button>
      {result && (
        <span className={result.ok ? 'make-live-ok' : 'make-live-fail'} data-testid="draft-test-result" data-ok={result.ok}>
          {result.ok ? 'Reached' : 'Failed'}: {result.message}
          {result.latencyMs !== null ? ` (${Math.round(result.latencyMs)} ms)` : ''}
        </span>
      )}
      {error && (
        <span className="make-live-fail" data-testid="draft-test-result" data-ok="false">
          {error}
        </span>
      )}
    </div>
  );
}
