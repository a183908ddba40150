/**
 * Rollback runs as the journal tells them: which runs started, which
 * finished, and for each step the last attempt and how it ended. This is
 * what a restart resumes from, and what the cockpit shows of the last run.
 */
import type { RollbackRun } from '../../../shared/control-model';
import type { JournalEntry } from '../../../shared/session-model';

export interface StepAttempt {
  actionId: string;
  inputs: Record<string, string>;
  startedAt: string;
  endedAt: string | null;
  /** null: started and never finished (the process stopped mid-step). */
  outcome: 'ok' | 'failed' | 'unknown' | null;
  message: string;
}

export interface RunHistory {
  runId: string;
  plan: string;
  by: string | null;
  stepTitles: string[];
  confirmation: string;
  pressedAt: string;
  startedAt: string;
  finished: { outcome: 'ok' | 'failed' | 'unknown'; message: string; pressToVerifiedMs: number | null; at: string } | null;
  /** Last attempt of each step index that was started. */
  steps: Map<number, StepAttempt>;
  /** Whether the journal shows the run was resumed after a restart. */
  resumed: boolean;
}

export function foldRollbackRuns(entries: readonly JournalEntry[]): RunHistory[] {
  const runs = new Map<string, RunHistory>();
  const attempts = new Map<string, { runId: string; step: number }>();
  for (const entry of entries) {
    const data = entry.data as Record<string, unknown>;
    switch (entry.type) {
      case 'rollback.started': {
        const runId = String(data.runId);
        runs.set(runId, {
          runId,
          plan: String(data.plan),
          by: entry.by,
          stepTitles: (data.steps as string[]) ?? [],
          confirmation: String(data.confirmation ?? ''),
          pressedAt: String(data.pressedAt ?? entry.ts),
          startedAt: entry.ts,
          finished: null,
          steps: new Map(),
          resumed: false,
        });
        break;
      }
      case 'action.started': {
        const run = typeof data.runId === 'string' ? runs.get(data.runId) : undefined;
        if (!run || typeof data.step !== 'number') break;
        const actionId = String(data.actionId);
        // A second attempt of a step means a restart picked the run up again.
        if (run.steps.has(data.step) || (run.steps.size > 0 && [...run.steps.values()].some((s) => s.outcome === null))) run.resumed = true;
        run.steps.set(data.step, { actionId, inputs: (data.inputs as Record<string, string>) ?? {}, startedAt: entry.ts, endedAt: null, outcome: null, message: 'running' });
        attempts.set(actionId, { runId: run.runId, step: data.step });
        break;
      }
      case 'action.finished':
      case 'action.settled': {
        const where = attempts.get(String(data.actionId));
        const attempt = where ? runs.get(where.runId)?.steps.get(where.step) : undefined;
        if (!attempt || attempt.actionId !== data.actionId) break;
        attempt.outcome = data.outcome as StepAttempt['outcome'];
        attempt.message = entry.type === 'action.settled' ? `${attempt.message}; ${String(data.message)}` : String(data.message);
        if (entry.type === 'action.finished') attempt.endedAt = entry.ts;
        break;
      }
      case 'rollback.finished': {
        const run = runs.get(String(data.runId));
        // A run ends once: in a team session a holder cut off mid-run may share its own end after another member finished it.
        if (run && run.finished === null) {
          run.finished = {
            outcome: data.outcome as 'ok' | 'failed' | 'unknown',
            message: String(data.message),
            pressToVerifiedMs: typeof data.pressToVerifiedMs === 'number' ? data.pressToVerifiedMs : null,
            at: entry.ts,
          };
        }
        break;
      }
      default:
        break;
    }
  }
  return [...runs.values()];
}

/** The run as the cockpit shows it. */
export function runView(history: RunHistory): RollbackRun {
  return {
    id: history.runId,
    plan: history.plan,
    by: history.by,
    startedAt: history.startedAt,
    endedAt: history.finished?.at ?? null,
    outcome: history.finished?.outcome ?? (history.steps.size === 0 ? 'running' : 'unknown'),
    steps: history.stepTitles.map((title, index) => {
      const attempt = history.steps.get(index);
      return {
        index,
        title,
        outcome: attempt ? (attempt.outcome ?? 'unknown') : 'pending',
        message: attempt ? (attempt.outcome === null ? 'interrupted before its outcome was known' : attempt.message) : '',
        startedAt: attempt?.startedAt ?? null,
        endedAt: attempt?.endedAt ?? null,
      };
    }),
    pressToVerifiedMs: history.finished?.pressToVerifiedMs ?? null,
    resumed: history.resumed,
  };
}
