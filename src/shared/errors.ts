/**
 * Errors that cross process boundaries keep their fields: Electron's IPC
 * and JSON both drop everything but `message` from a thrown Error, so calls
 * answer with an envelope and the caller rebuilds a FlightdeckError.
 */
export const ERROR_CODES = [
  'bad-input', // the caller sent something malformed or out of range
  'not-found', // a file, item or session that does not exist
  'no-runbook', // the call needs an open runbook and none is open (always through noRunbookOpen)
  'too-large', // a file over the size limit
  'encoding', // a file that is not UTF-8
  'too-complex', // nesting or line length past what the parser accepts
  'timeout', // an operation that ran past its deadline
  'locked', // another Flightdeck holds the session
  'conflict', // the file changed under us
  'unsupported', // not available in this mode
  'unknown-call', // a call name the contract does not have
  'forbidden', // refused by a security rule
  'internal', // a bug: reported, never swallowed
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

export class FlightdeckError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, where: { file?: string; line?: number; column?: number; field?: string } = {}) {
    super(message);
    this.name = 'FlightdeckError';
    this.code = code;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.field = where.field;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.file !== undefined) info.file = this.file;
    if (this.line !== undefined) info.line = this.line;
    if (this.column !== undefined) info.column = this.column;
    if (this.field !== undefined) info.field = this.field;
    return info;
  }

  static fromInfo(info: ErrorInfo): FlightdeckError {
    return new FlightdeckError(info.code, info.message, info);
  }
}

/**
 * "No runbook is open": the one error for a call that needs an open
 * runbook (and its session) when there is none, the same code and words
 * from the cockpit, the gates, the scope and the report, in the desktop
 * window, browser mode and the CLI alike. `why` says what needed it.
 */
export function noRunbookOpen(why?: string): FlightdeckError {
  return new FlightdeckError('no-runbook', why ? `No runbook is open: ${why}.` : 'No runbook is open.');
}

/** The message of anything thrown, Error or not. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "file.md:12:3: message", the form editors and terminals link. */
export function formatError(info: ErrorInfo): string {
  if (!info.file) return info.message;
  const where = [info.file, info.line, info.column].filter((part) => part !== undefined).join(':');
  return `${where}: ${info.message}`;
}

/** Envelope every call answers with, in every transport. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
