/**
 * The cockpit for the backup and file groups: the app assembled in-process
 * as browser mode assembles it (test/support/app.ts). A fault that escapes
 * it reaches this process's handlers and counts as a death, and a blocked
 * event loop is the cockpit not answering.
 */
import type { App } from '../../src/main/app/create-app';
import type { Cockpit as CockpitState } from '../../src/shared/contract';
import type { CallResult } from '../../src/shared/errors';
import { tempDir, testApp } from '../../test/support/app';
import type { FaultScope } from './tally';

export interface AppRig {
  app: App;
  close(): Promise<void>;
}

export function startApp(prefix: string): AppRig {
  const data = tempDir(prefix);
  // A lower scrypt cost for the passphrase vault, as the integration tests use.
  const app = testApp(data.path, { scryptN: 2 ** 15 });
  return {
    app,
    close: async () => {
      await app.close();
      data.remove();
    },
  };
}

/** A contract call as a renderer makes it, under the hang rule; its result, ok or not. */
export function timedCall<T>(scope: FaultScope, app: App, name: string, input: unknown = {}): Promise<CallResult<T>> {
  return scope.timed(`the ${name} call`, () => app.call(name, input) as Promise<CallResult<T>>);
}

/** One checked outcome: the cockpit answers, under the hang rule, with a runbook open. */
export async function checkAnswering(scope: FaultScope, app: App, when: string): Promise<CockpitState | null> {
  const result = await timedCall<CockpitState>(scope, app, 'getCockpit');
  const ok = result.ok && result.value.runbook !== null;
  scope.check(ok, `the cockpit did not answer ${when}: ${result.ok ? 'no runbook open' : result.error.message}`);
  return result.ok ? result.value : null;
}
