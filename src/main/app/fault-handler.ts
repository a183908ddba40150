/**
 * The last line of defence in main: an exception nobody caught, or a
 * rejected promise nobody awaited. Node's default is to die, which in the
 * middle of a deployment window leaves the release manager with a dead
 * cockpit and no word why. Instead, each fault is
 * - logged (the logger redacts),
 * - journaled as `app.fault` when a session is open (which also reaches the
 *   renderer as a sessionEntry event),
 * - charged to the action whose work raised it, when that can be told
 *   (actions/action-scope.ts): that action ends with an honest outcome,
 * and the cockpit keeps serving. Only a storm of faults (more than
 * `maxFaults` within `windowMs`: main is looping on a broken state) ends
 * the process, and then it says so in the log, the journal and the UI
 * first, never silently.
 */
import { messageOf } from '../../shared/errors';
import type { ActionJournal } from '../services/actions/action-journal';
import { currentActionScope } from '../services/actions/action-scope';
import type { Logger } from './log';

export type FaultKind = 'uncaughtException' | 'unhandledRejection';

export interface FaultTarget {
  /** The open session's journal, or null. */
  journal(): ActionJournal | null;
  /** Who is flying, recorded with the entry. */
  operator(): string | null;
}

export interface FaultHandlerOptions {
  log: Logger;
  /** Hides secrets the vault knows in the journaled message (the log redacts on its own). */
  redact?: (text: string) => string;
  /** Shown to the person before main stops (Electron: a dialog); the journal entry reaches browser mode. */
  announceFatal?: (message: string) => void;
  exit?: (code: number) => void;
  maxFaults?: number;
  windowMs?: number;
  now?: () => number;
}

export interface FaultHandler {
  /** Where faults are journaled once the app is up (the handler is installed before it exists). */
  attach(target: FaultTarget): void;
  /** Handles one fault as the process events would (tests call it directly). */
  handle(kind: FaultKind, error: unknown): void;
  uninstall(): void;
}

/** EX_SOFTWARE: main stopped because of its own fault. */
export const FATAL_EXIT_CODE = 70;
const DEFAULT_MAX_FAULTS = 20;
const DEFAULT_WINDOW_MS = 60_000;
/** Time for the last log line, journal entry and event to leave before the process ends. */
const EXIT_DELAY_MS = 500;

export function installFaultHandler(options: FaultHandlerOptions): FaultHandler {
  const { log } = options;
  const redact = options.redact ?? ((text: string) => text);
  const now = options.now ?? (() => Date.now());
  const maxFaults = options.maxFaults ?? DEFAULT_MAX_FAULTS;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const recent: number[] = [];
  let target: FaultTarget | null = null;
  let stopping = false;

  const journal = (kind: FaultKind, message: string, actionId: string | null, fatal: boolean) => {
    try {
      target?.journal()?.record('app.fault', target.operator(), { kind, message: redact(message), actionId, fatal });
    } catch (error) {
      log.error('the fault could not be journaled', error);
    }
  };

  const handle = (kind: FaultKind, error: unknown) => {
    if (stopping) return;
    const message = messageOf(error);
    const scope = currentActionScope();
    const ended = scope?.fault(error) ?? false;
    const where = scope ? `in action ${scope.actionId}${ended ? ', which it ended' : ' (already ended)'}` : 'outside any action';
    log.error(`fault (${kind}) ${where}; the cockpit keeps running`, error);
    const at = now();
    recent.push(at);
    while (recent.length > 0 && recent[0]! <= at - windowMs) recent.shift();
    const fatal = recent.length > maxFaults;
    journal(kind, message, scope?.actionId ?? null, fatal);
    if (!fatal) return;
    stopping = true;
    const why = `Flightdeck must stop: ${recent.length} internal faults within ${Math.round(windowMs / 1000)} s (the last: ${message}). The session journal is intact; start Flightdeck again to resume.`;
    log.error(why);
    try {
      options.announceFatal?.(redact(why));
    } finally {
      setTimeout(() => exit(FATAL_EXIT_CODE), EXIT_DELAY_MS);
    }
  };

  // A throw inside these listeners would be the one fault Node cannot survive: the last resort is a bare line on stderr.
  const guarded = (kind: FaultKind, error: unknown) => {
    try {
      handle(kind, error);
    } catch (inner) {
      process.stderr.write(`[flightdeck] error fault handler failed: ${messageOf(inner)}\n`);
    }
  };
  const onException = (error: Error) => guarded('uncaughtException', error);
  const onRejection = (reason: unknown) => guarded('unhandledRejection', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    attach: (next) => void (target = next),
    handle,
    uninstall: () => {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
