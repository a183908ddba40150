/**
 * Every entry point (app, browser mode, CLI) starts its children under the
 * watchdog and records them in `<data dir>/children/`; at start it first
 * kills what a crashed earlier run of Flightdeck left running there, and
 * says so in the log.
 */
import { join } from 'node:path';
import { guardChildrenIn } from '../services/children/guarded-spawn';
import type { Logger } from './log';

export function guardChildren(dataDir: string, log: Logger): void {
  for (const left of guardChildrenIn(join(dataDir, 'children'))) {
    log.warn(`killed ${left.program} (pid ${left.pid}): Flightdeck process ${left.owner} started it and ended without stopping it`);
  }
}
