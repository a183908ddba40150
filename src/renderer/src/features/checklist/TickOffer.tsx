/**
 * Under an unticked item whose act Flightdeck just performed: what ran,
 * the value read back, when and by whom, with one button (or the "a" key
 * on the focused item) to tick the item with that evidence, and one to
 * turn the offer down. Nothing is ticked without the operator.
 */
import { useState } from 'react';
import type { TickEvidence } from '../../../../shared/session-model';
import { errorText } from '../shell/feedback-slice';
import { formatClock } from '../control/format';
import { acceptTickOffer, dismissTickOffer, useTickOffer } from './tick-offer-calls';
import './tick-offer.css';

const ACT_WORDS: Record<TickEvidence['act'], string> = {
  flag: 'Flag step done',
  baseline: 'Baseline captured',
  probe: 'Probe answering',
  backup: 'Backup verified',
  'restore-test': 'Restore test passed',
};

export function TickOffer({ itemId }: { itemId: string }) {
  const offer = useTickOffer(itemId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!offer) return null;
  const { evidence } = offer;
  const act = async (call: (id: string) => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await call(itemId);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="tick-offer" data-testid="tick-offer" data-act={evidence.act} role="group" aria-label={`Flightdeck offers to tick: ${offer.itemText}`}>
      <p className="tick-offer-evidence" data-testid="tick-offer-evidence">
        <strong>{ACT_WORDS[evidence.act]}:</strong> {evidence.what}
        {evidence.readBack !== null && <>, read back {evidence.readBack}</>}, {formatClock(evidence.at)}
        {evidence.by ? ` by ${evidence.by}` : ''}.
      </p>
      <div className="tick-offer-buttons">
        <button type="button" className="btn btn-small btn-primary" data-testid="tick-offer-accept" disabled={busy} title="Tick this item with the evidence (a)" onClick={() => void act(acceptTickOffer)}>
          Tick with evidence
        </button>
        <button type="button" className="btn btn-small" data-testid="tick-offer-dismiss" disabled={busy} onClick={() => void act(dismissTickOffer)}>
          Not now
        </button>
      </div>
      {error && (
        <p className="tick-offer-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
