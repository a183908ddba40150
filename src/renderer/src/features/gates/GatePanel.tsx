/**
 * The gate panel, at the top of the checklist column: where the release
 * manager's eyes already are at 2 a.m. Folded (as it opens) it is one line:
 * the phase, the gate's verdict and decision, and the trigger closest to a
 * rollback. Unfolded it shows the phase flow, the rollback triggers, and
 * the go/no-go of the current phase with every criterion as measured now,
 * in at most a third of the column (gates.css), so the checklist always
 * keeps the rest. Nothing shows for a runbook without phases, gates or
 * triggers.
 */
import { useId, useState } from 'react';
import type { GateView, GatesState } from '../../../../shared/gate-model';
import { currentGate } from './gates-decision';
import { triggerStateText } from './gates-alarm';
import { formatValue } from '../../../../shared/format';
import { useGates } from './gates-store';
import { useStore } from '../checklist/store/store';
import { NotifyButton } from './AlarmEffects';
import { formatClock } from '../control/format';
import { CriterionRow } from './CriterionRow';
import { DecisionBar } from './DecisionBar';
import { currentPhaseTitle, decisionText, worstTrigger } from './gate-summary';
import { NextStep } from './NextStep';
import { PhaseFlow } from './PhaseFlow';
import { StatusWord } from './StatusWord';
import { TriggerList } from './TriggerList';
import { useNow } from './useNow';
import './gates.css';

export function GatePanel() {
  const state = useGates((s) => s.gates);
  const [open, setOpen] = useState(false);
  const [pickedId, setPickedId] = useState<string | null>(null);
  const bodyId = useId();
  const now = useNow();
  const browserMode = useStore((s) => s.cockpit?.app.mode === 'browser');
  if (!state || (state.phases.length === 0 && state.gates.length === 0 && state.triggers.length === 0)) return null;
  const gate = state.gates.find((g) => g.id === pickedId) ?? currentGate(state);
  return (
    <section className={open ? 'gate-panel open' : 'gate-panel'} data-testid="gate-panel" aria-labelledby="gate-panel-title">
      <header className="gate-panel-head">
        <h2 id="gate-panel-title" className="panel-title">
          Gates
        </h2>
        <Summary state={state} gate={gate} />
        <button
          type="button"
          className="btn btn-small btn-ghost gate-toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          data-testid="gate-toggle"
          onClick={() => setOpen(!open)}
        >
          {open ? 'Less ▴' : 'Details ▾'}
        </button>
      </header>
      {open && (
        <div className="gate-panel-body" id={bodyId} data-testid="gate-panel-body">
          {!state.live && <p className="gate-offline muted">Runbook only: no live data.</p>}
          {browserMode && state.triggers.length > 0 && (
            <div className="gate-notify">
              <NotifyButton />
            </div>
          )}
          <PhaseFlow state={state} now={now} />
          <TriggerList triggers={state.triggers} />
          {state.gates.length > 1 && <GatePicker state={state} selected={gate} onPick={setPickedId} />}
          {gate && <GateCard gate={gate} />}
          <NextStep state={state} />
        </div>
      )}
    </section>
  );
}

/**
 * The one line: phase · the gate's verdict and decision · the trigger
 * closest to a rollback (or that all are quiet); a holding or firing
 * trigger comes before the gate. What matters most comes first, so a
 * narrow column cuts the least useful end; all of it on hover.
 */
function Summary({ state, gate }: { state: GatesState; gate: GateView | null }) {
  const phase = currentPhaseTitle(state);
  const worst = worstTrigger(state.triggers);
  const allQuiet = worst !== null && worst.state === 'quiet';
  const urgent = worst !== null && (worst.state === 'pending' || worst.state === 'firing');
  const triggerLine = worst ? (allQuiet ? `all ${state.triggers.length} triggers quiet` : `${triggerStateText(worst)}: ${worst.text} (${formatValue(worst.value, worst.unit)})`) : null;
  const hover = [
    phase ? `Phase: ${phase}` : 'No phase started',
    gate ? `${gate.title}: ${gate.status.toUpperCase()}, ${decisionText(gate)}` : null,
    triggerLine ? `Triggers: ${triggerLine}` : null,
    state.live ? null : 'Runbook only: no live data',
  ].filter((part): part is string => part !== null);
  const decision = gate && (
    <span className="gate-summary-part" data-testid="gate-summary-decision">
      <StatusWord status={gate.status} /> {decisionText(gate)}
    </span>
  );
  const trigger = worst && (
    <span className={`gate-summary-part gate-summary-trigger summary-${worst.state} summary-${worst.severity}`} data-testid="gate-summary-trigger" data-state={worst.state}>
      {allQuiet ? (
        triggerLine
      ) : (
        <>
          {triggerStateText(worst)}: {worst.text} <span className="mono">{formatValue(worst.value, worst.unit)}</span>
        </>
      )}
    </span>
  );
  return (
    <p className="gate-summary" data-testid="gate-summary" title={hover.join('\n')}>
      <span className="gate-summary-part">{phase ? <strong>{phase}</strong> : 'No phase started'}</span>
      {/* A trigger that is holding or firing matters more than the gate: it comes first. */}
      {!urgent ? (
        <>
          {decision}
          {trigger}
        </>
      ) : (
        <>
          {trigger}
          {decision}
        </>
      )}
      {!state.live && <span className="gate-summary-part muted">runbook only</span>}
    </p>
  );
}

function GatePicker({ state, selected, onPick }: { state: GatesState; selected: GateView | null; onPick: (id: string) => void }) {
  return (
    <div className="gate-picker" role="group" aria-label="Gates">
      {state.gates.map((g) => {
        const phase = state.phases.find((p) => p.id === g.phaseId);
        return (
          <button key={g.id} type="button" className="btn btn-small" aria-pressed={g.id === selected?.id} onClick={() => onPick(g.id)}>
            {phase ? `${phase.title}: ` : ''}
            {g.title}
          </button>
        );
      })}
    </div>
  );
}

function GateCard({ gate }: { gate: GateView }) {
  return (
    <div className="gate-card" data-testid="gate-card" data-gate={gate.id} data-status={gate.status}>
      <h3 className="gate-subtitle">
        {gate.title} <StatusWord status={gate.status} />
        {gate.line !== null && <span className="criterion-line"> line {gate.line}</span>}
      </h3>
      {gate.criteria.length === 0 ? (
        <p className="muted">This gate names no criteria.</p>
      ) : (
        <ul className="criteria">
          {gate.criteria.map((c) => (
            <CriterionRow key={c.id} gateId={gate.id} criterion={c} />
          ))}
        </ul>
      )}
      {gate.decision && (
        <p className={`gate-decision gate-decision-${gate.decision.decision}`} data-testid="gate-decision" data-decision={gate.decision.decision}>
          Decided <strong>{gate.decision.decision === 'rollback' ? 'roll back' : gate.decision.decision}</strong> by {gate.decision.by ?? 'someone unnamed'} at {formatClock(gate.decision.at)}
          {gate.decision.reason ? `: “${gate.decision.reason}”` : ''}
        </p>
      )}
      <DecisionBar gate={gate} />
    </div>
  );
}
