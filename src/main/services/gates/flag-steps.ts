/**
 * The flag step a phase performs, read from its checklist: "Set
 * `checkout_v2` to 50%", "Deploy with 10% rollout", or a request body in
 * the item's code ({"rolloutPercentage": 10} sent to
 * /feature-flags/checkout_v2). The step is bound to a profile flag: the
 * one it names, or the profile's only flag when it names none. Without a
 * profile a named flag is kept as written; an unnamed one yields no step.
 */
import type { Inline, RunbookDoc, TaskItem } from '../../../shared/runbook-model';
import type { FlagStep } from './gate-plan';

const SET_STEP = /\b(?:set|move|raise|increase|bump|ramp|roll\s*out|enable)\b[^.\n]*?`([A-Za-z0-9_.:-]+)`[^.\n]*?\bto\s+(\d{1,3}(?:\.\d+)?)\s*%/i;
const ROLLOUT_PERCENT = /\b(\d{1,3}(?:\.\d+)?)\s*%\s*(?:rollout|roll-out|of\s+(?:users|traffic))\b|\brollout\s+(?:to|at)\s+(\d{1,3}(?:\.\d+)?)\s*%/i;
const BODY_PERCENT = /"(?:rolloutPercentage|rollout_percentage|percentage|percent|rollout)"\s*:\s*(\d{1,3}(?:\.\d+)?)/;
const FLAG_IN_URL = /\/(?:feature-flags|flags|features)\/([A-Za-z0-9_.-]+)/;
const BACKTICKED = /`([A-Za-z0-9_.:-]+)`/;
/** A percentage alone ("10% rollout announcement") is a step only when the item says to act. */
const ACTS = /^\s*(?:deploy|set|move|roll\s*out|ramp|increase|raise|bump|enable|go|switch|flip)\b/i;
/** Phases that take a flag down are rollbacks, not steps of the rollout. */
const ROLLBACK_PHASE = /\b(?:roll\s*-?back|emergency|abort|revert)\b/i;

export function isRollbackPhase(title: string): boolean {
  return ROLLBACK_PHASE.test(title);
}

function bind(named: string | null, profileFlags: readonly string[] | null): string | null {
  if (profileFlags === null) return named;
  if (named !== null && profileFlags.includes(named)) return named;
  return profileFlags.length === 1 ? profileFlags[0]! : null;
}

/** The item's text with inline code kept in backticks, which is how runbooks name flags. */
function textWithCode(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      if (node.t === 'code') return `\`${node.v}\``;
      if (node.t === 'text' || node.t === 'html') return node.v;
      if (node.t === 'strong' || node.t === 'em' || node.t === 'del' || node.t === 'link') return textWithCode(node.c);
      return ' ';
    })
    .join('');
}

/** The flag step one item performs, or null (also what binds a flag write to the item it ticks: checklist/item-acts.ts). */
export function stepOf(item: TaskItem, profileFlags: readonly string[] | null): FlagStep | null {
  const text = textWithCode(item.inline);
  const set = SET_STEP.exec(text);
  if (set) {
    const flag = bind(set[1]!, profileFlags);
    return flag ? { flag, percent: Number(set[2]), line: item.line } : null;
  }
  for (const block of item.code) {
    const body = BODY_PERCENT.exec(block.value);
    if (!body) continue;
    const flag = bind(FLAG_IN_URL.exec(block.value)?.[1] ?? BACKTICKED.exec(text)?.[1] ?? null, profileFlags);
    if (flag) return { flag, percent: Number(body[1]), line: block.line };
  }
  const rollout = ACTS.test(text) ? ROLLOUT_PERCENT.exec(text) : null;
  if (rollout) {
    const flag = bind(BACKTICKED.exec(text)?.[1] ?? null, profileFlags);
    if (flag) return { flag, percent: Number(rollout[1] ?? rollout[2]), line: item.line };
  }
  return null;
}

/** The first flag step among a phase's items, or null. */
export function flagStepOf(doc: RunbookDoc, phaseId: string, profileFlags: readonly string[] | null): FlagStep | null {
  const phase = doc.phases.find((p) => p.id === phaseId);
  if (!phase || isRollbackPhase(phase.title)) return null;
  for (const item of doc.items) {
    if (item.phaseId !== phaseId) continue;
    const step = stepOf(item, profileFlags);
    if (step && step.percent <= 100) return step;
  }
  return null;
}
