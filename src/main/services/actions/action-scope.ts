/**
 * Which action the code running right now belongs to, carried through
 * callbacks, timers, promises and stream events by AsyncLocalStorage. The
 * process-level fault handler (app/fault-handler.ts) asks it, so that an
 * exception nobody caught inside a backup ends that backup with an honest
 * outcome instead of leaving it "running" or taking the process down.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ActionScope {
  readonly actionId: string;
  /** Ends the action because of `error`; false when it had already ended. */
  fault(error: unknown): boolean;
}

const storage = new AsyncLocalStorage<ActionScope>();

export function runInActionScope<T>(scope: ActionScope, work: () => T): T {
  return storage.run(scope, work);
}

/** The action whose work raised the fault being handled, when there is one. */
export function currentActionScope(): ActionScope | undefined {
  return storage.getStore();
}
