/**
 * Applies a profile's `gates:` section to the plan read from the runbook:
 * settings (tolerance, hysteresis, staleness), criteria added to a gate or
 * replacing one of its criteria, triggers tuned (duration, severity,
 * auto-rollback) or added. A name that matches nothing is an error naming
 * the field, never a silent no-op: a test that shortens a trigger which is
 * not there would otherwise pass for the wrong reason.
 */
import { FlightdeckError } from '../../../shared/errors';
import { METRICS, type MetricName } from '../../../shared/metrics';
import { IdAllocator, normaliseText } from '../runbook/ids';
import { describeCondition } from './conditions';
import type { GateCriterionConfig, GatesConfig } from '../profile/gates-schema';
import type { CriterionDef, GatePlan, TriggerDef } from './gate-plan';

/** Matching by id, or by words of a title or text, the way a profile names things. */
export function matchesName(query: string, id: string, text: string): boolean {
  if (query === id) return true;
  const q = normaliseText(query);
  return q !== '' && normaliseText(text).includes(q);
}

function criterionFrom(config: GateCriterionConfig, id: string, signoffRoles: readonly string[], phaseId: string | null): CriterionDef {
  const base = { id, text: config.text, line: null };
  const check = config.check;
  if (typeof check === 'string') {
    switch (check) {
      case 'signoff':
        return { ...base, kind: 'signoff', roles: config.roles ?? [...signoffRoles] };
      case 'checklist':
        return { ...base, kind: 'checklist', phaseId: phaseId ?? '' };
      default:
        return { ...base, kind: check };
    }
  }
  if ('baseline' in check) return { ...base, kind: 'metric', condition: { kind: 'baseline', metric: check.baseline as MetricName } };
  const metric = check.metric as MetricName;
  return { ...base, kind: 'metric', condition: { kind: 'absolute', metric, op: check.op, value: check.value, unit: METRICS[metric].unit } };
}

/** An entry of the `gates:` section that names nothing in the runbook: `path` in the profile, message after the field. */
export interface GateEntryProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Without `onProblem`, an entry that names nothing is an error; with it
 * (the app's lenient read), that entry is reported and skipped, and every
 * other entry still applies.
 */
export function applyProfile(plan: GatePlan, config: GatesConfig, planNames: ReadonlySet<string>, signoffRoles: readonly string[], file?: string, onProblem?: (problem: GateEntryProblem) => void): GatePlan {
  const where = (field: string) => (file === undefined ? { field } : { file, field });
  /** Throws, or reports and returns true so the caller skips the entry. */
  const refuse = (path: (string | number)[], message: string): true => {
    const field = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    if (onProblem) {
      onProblem({ path, message });
      return true;
    }
    throw new FlightdeckError('bad-input', `Profile: ${field} ${message}`, where(field));
  };
  const ids = new IdAllocator();
  const out: GatePlan = {
    ...plan,
    gates: plan.gates.map((g) => ({ ...g, criteria: [...g.criteria] })),
    triggers: plan.triggers.map((t) => ({ ...t })),
    settings: {
      tolerance: { relativePercent: config.tolerance.relativePercent, absolute: { ...config.tolerance.absolute } },
      hysteresis: { ...config.hysteresis },
      staleSeconds: config.staleSeconds,
    },
  };

  config.criteria.forEach((criterion, index) => {
    const gate = out.gates.find((g) => matchesName(criterion.gate, g.id, g.title));
    if (!gate) {
      const known = out.gates.map((g) => `"${g.title}"`).join(', ') || 'none';
      refuse(['gates', 'criteria', index, 'gate'], `"${criterion.gate}" matches no gate of the runbook (gates: ${known}).`);
      return;
    }
    if (criterion.replaces !== undefined) {
      const at = gate.criteria.findIndex((c) => matchesName(criterion.replaces!, c.id, c.text));
      if (at === -1) {
        refuse(['gates', 'criteria', index, 'replaces'], `"${criterion.replaces}" matches no criterion of gate "${gate.title}".`);
        return;
      }
      // The replaced criterion keeps its id, so earlier answers and decisions still refer to it.
      gate.criteria[at] = criterionFrom(criterion, gate.criteria[at]!.id, signoffRoles, gate.phaseId);
    } else {
      gate.criteria.push(criterionFrom(criterion, ids.allocate('profile-criterion', [gate.id], criterion.text), signoffRoles, gate.phaseId));
    }
  });

  config.triggers.forEach((trigger, index) => {
    if (trigger.autoRollback && !planNames.has(trigger.autoRollback.plan)) {
      refuse(['gates', 'triggers', index, 'autoRollback', 'plan'], `names plan "${trigger.autoRollback.plan}", which rollback.plans does not define.`);
      return;
    }
    const tune = (def: TriggerDef): TriggerDef => {
      const metric = (trigger.metric as MetricName | undefined) ?? def.condition.metric;
      return {
        ...def,
        condition: { kind: 'absolute', metric, op: trigger.op ?? def.condition.op, value: trigger.value ?? def.condition.value, unit: METRICS[metric].unit },
        forSeconds: trigger.forSeconds ?? def.forSeconds,
        severity: trigger.severity ?? def.severity,
        autoRollback: trigger.autoRollback ?? def.autoRollback,
      };
    };
    if (trigger.match !== undefined) {
      const hits = out.triggers.filter((t) => matchesName(trigger.match!, t.id, t.text));
      if (hits.length === 0) {
        const known = out.triggers.map((t) => `"${t.text}"`).join(', ') || 'none';
        refuse(['gates', 'triggers', index, 'match'], `"${trigger.match}" matches no rollback trigger of the runbook (triggers: ${known}).`);
        return;
      }
      out.triggers = out.triggers.map((t) => (hits.includes(t) ? tune(t) : t));
      return;
    }
    const metric = trigger.metric as MetricName;
    const condition = { kind: 'absolute' as const, metric, op: trigger.op!, value: trigger.value!, unit: METRICS[metric].unit };
    // A trigger of its own with no text is named by what it checks: "error_rate > 2 % for 300 s".
    const text = trigger.text ?? describeCondition(condition, trigger.forSeconds ?? 0);
    out.triggers.push(
      tune({
        id: ids.allocate('profile-trigger', [], text),
        text,
        line: null,
        condition,
        forSeconds: trigger.forSeconds ?? 0,
        severity: trigger.severity ?? 'red',
        autoRollback: null,
      }),
    );
  });
  return out;
}
