/**
 * The gate panel, at the top of the checklist column: where the release
 * manager's eyes already are at 2 a.m., and wide enough for criteria with
 * their evidence (the live column beside it is for graphs). It shows the
 * phase flow, the rollback triggers, and the go/no-go of the current
 * phase with every criterion as measured now; it folds away to one line
 * that still says the gate's verdict. Nothing shows for a runbook without
 * phases, gates or triggers.
 */
import { useState } from 'react';
import type { GateView, GatesState } from '../../../../shared/gate-model';
import { currentGate } from '../../store/gates-decision';
import { useGates } from '../../store/gates-store';
import { useStore } from '../../store/store';
import { NotifyButton } from './AlarmEffects';
import { formatClock } from '../control/format';
import { CriterionRow } from './CriterionRow';
import { DecisionBar } from './DecisionBar';
import { NextStep } from './NextStep';
import { PhaseFlow } from './PhaseFlow';
import { StatusWord } from './StatusWord';
import { TriggerList } from './TriggerList';
import { useNow } from './useNow';
import './gates.css';

export function GatePanel() {
  const state = useGates((s) => s.gates);
  const [open, setOpen] = useState(true);
  const [pickedId, setPickedId] = useState<string | null>(null);
  const now = useNow();
  const browserMode = useStore((s) => s.cockpit?.app.mode === 'browser');
  if (!state || (state.phases.length === 0 && state.gates.length === 0 && state.triggers.length === 0)) return null;
  const gate = state.gates.find((g) => g.id === pickedId) ?? currentGate(state);
  return (
    <section className="gate-panel" data-testid="gate-panel" aria-labelledby="gate-panel-title">
      <header className="gate-panel-head">
        <h2 id="gate-panel-title" className="panel-title">
          Gates &amp; triggers
        </h2>
        {gate && (
          <span className="gate-summary" data-testid="gate-summary">
            {gate.title}: <StatusWord status={gate.status} />
            {gate.decision && ` · ${gate.decision.decision}`}
          </span>
        )}
        {!state.live && <span className="gate-offline muted">runbook only: no live data</span>}
        {browserMode && state.triggers.length > 0 && <NotifyButton />}
        <button type="button" className="btn btn-small btn-ghost gate-toggle" aria-expanded={open} data-testid="gate-toggle" onClick={() => setOpen(!open)}>
          {open ? 'Fold' : 'Unfold'}
        </button>
      </header>
      {open && (
        <div className="gate-panel-body">
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
