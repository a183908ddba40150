/**
 * "What Flightdeck read" (issue 15): every threshold, trigger, criterion,
 * recognised command and binding read from the runbook, each with its
 * runbook line (a click jumps there in the checklist) and the sentence it
 * came from, and accept / ignore / edit. Readings the reader was not sure
 * of come first, marked "needs review". A choice on something that starts
 * a rollback by itself is said to need a new approval.
 */
import { useCallback, useEffect, useState } from 'react';
import { COMPARATORS } from '../../../../shared/metrics';
import type { ReviewItem, ReviewState } from '../../../../shared/review-model';
import { useStore } from '../checklist/store/store';
import { loadReview, placeOfLine, saveChoice } from './review-calls';
import './review.css';

const KIND_NAMES: Record<ReviewItem['kind'], string> = { threshold: 'Threshold', trigger: 'Trigger', criterion: 'Criterion', command: 'Command', binding: 'Binding' };
const CHOICE_NAMES: Record<ReviewItem['choice'], string> = { read: 'as read', accept: 'accepted', ignore: 'ignored', edit: 'edited' };

export function ReviewPanel() {
  const runbook = useStore((s) => s.cockpit?.runbook ?? null);
  const trust = useStore((s) => s.cockpit?.trust ?? null);
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<ReviewState | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    loadReview()
      .then((next) => {
        setState(next);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  // Read again whenever the cockpit changes (a profile reload, an approval).
  useEffect(() => {
    if (open) refresh();
  }, [open, runbook, trust, refresh]);

  if (!runbook) return null;
  const jump = (line: number) => {
    const place = placeOfLine(runbook, line);
    if (!place) return;
    // Out of any search, into the phase, onto the item.
    useStore.getState().openPhase(place.phaseId);
    if (place.itemId) useStore.getState().focusItem(place.itemId);
  };
  const choose = (item: ReviewItem, choice: ReviewItem['choice'], edit?: Parameters<typeof saveChoice>[2]) => {
    saveChoice(item, choice, edit)
      .then((next) => {
        setState(next);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const needsReview = state?.items.filter((i) => i.confidence === 'review').length ?? 0;

  return (
    <section className="review-panel" data-testid="review-panel" aria-label="What Flightdeck read">
      <button type="button" className="btn btn-small review-toggle" data-testid="review-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        What Flightdeck read{state ? ` (${state.items.length}${needsReview ? `, ${needsReview} need review` : ''})` : ''}
      </button>
      {open && state && (
        <>
          <p className="review-where">{state.file ? `Choices are saved in ${state.file}; the runbook is never changed.` : `Choices cannot be saved: ${state.unsaveable}.`}</p>
          {state.items.length === 0 && <p className="review-empty">Nothing in this runbook was read as a threshold, trigger, criterion, command or binding.</p>}
          <ul className="review-list">
            {state.items.map((item) => (
              <ReviewRow key={`${item.kind}:${item.line}:${item.metric ?? ''}:${item.severity ?? ''}:${item.text}`} item={item} saveable={state.file !== null} onJump={jump} onChoose={choose} />
            ))}
          </ul>
        </>
      )}
      {error && (
        <p className="review-error" role="alert" data-testid="review-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ReviewRow({ item, saveable, onJump, onChoose }: { item: ReviewItem; saveable: boolean; onJump: (line: number) => void; onChoose: (item: ReviewItem, choice: ReviewItem['choice'], edit?: Parameters<typeof saveChoice>[2]) => void }) {
  const [editing, setEditing] = useState(false);
  const [op, setOp] = useState(item.edit?.op ?? '>');
  const [value, setValue] = useState(String(item.edit?.value ?? ''));
  const [forSeconds, setForSeconds] = useState(String(item.edit?.forSeconds ?? 0));
  const valid = value.trim() !== '' && Number.isFinite(Number(value)) && Number.isFinite(Number(forSeconds)) && Number(forSeconds) >= 0;
  return (
    <li className={`review-item review-${item.choice}`} data-testid="review-item" data-kind={item.kind} data-line={item.line} data-metric={item.metric ?? undefined} data-severity={item.severity ?? undefined} data-choice={item.choice}>
      <div className="review-head">
        <button type="button" className="review-line mono" data-testid="review-jump" title="Show this line in the checklist" onClick={() => onJump(item.line)}>
          line {item.line}
        </button>
        <span className="review-kind">{KIND_NAMES[item.kind]}</span>
        {item.confidence === 'review' && <span className="review-needs">needs review</span>}
        {item.automatic && <span className="review-auto" title="It can start a rollback by itself: a change to it needs a new approval.">auto-rollback</span>}
        <span className="review-choice" data-testid="review-choice">
          {CHOICE_NAMES[item.choice]}
        </span>
      </div>
      <mark className="review-source">{item.text}</mark>
      <div className="review-reading mono" data-testid="review-reading">
        {item.reading}
      </div>
      {saveable && (
        <div className="review-actions">
          <button type="button" className="btn btn-small" data-testid="review-accept" aria-pressed={item.choice === 'accept'} onClick={() => onChoose(item, item.choice === 'accept' ? 'read' : 'accept')}>
            Accept
          </button>
          <button type="button" className="btn btn-small" data-testid="review-ignore" aria-pressed={item.choice === 'ignore'} onClick={() => onChoose(item, item.choice === 'ignore' ? 'read' : 'ignore')}>
            Ignore
          </button>
          {item.edit && (
            <button type="button" className="btn btn-small" data-testid="review-edit" aria-pressed={editing} onClick={() => setEditing(!editing)}>
              Edit…
            </button>
          )}
        </div>
      )}
      {editing && item.edit && (
        <form
          className="review-edit"
          data-testid="review-edit-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!valid) return;
            onChoose(item, 'edit', { op, value: Number(value), forSeconds: Number(forSeconds) });
            setEditing(false);
          }}
        >
          <select aria-label="Comparison" value={op} onChange={(e) => setOp(e.target.value as typeof op)} data-testid="review-edit-op">
            {COMPARATORS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <input aria-label={`Value in ${item.edit.unit}`} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} data-testid="review-edit-value" />
          <span className="review-unit">{item.edit.unit}</span>
          <label>
            for <input aria-label="Seconds it must hold" inputMode="numeric" value={forSeconds} onChange={(e) => setForSeconds(e.target.value)} data-testid="review-edit-seconds" /> s
          </label>
          <button type="submit" className="btn btn-small btn-primary" disabled={!valid} data-testid="review-edit-save">
            Save
          </button>
        </form>
      )}
    </li>
  );
}
