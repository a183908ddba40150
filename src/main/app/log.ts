/**
 * Main's log: one line per event on stderr. Every line passes through the
 * redactor, so a secret that reaches an error message never reaches the log.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export type Redactor = (text: string) => string;

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`), redact: Redactor = (t) => t): Logger {
  const emit = (level: string, message: string) => write(redact(`[flightdeck] ${level} ${message}`));
  return {
    info: (message) => emit('info', message),
    warn: (message) => emit('warn', message),
    error: (message, error) => emit('error', error === undefined ? message : `${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
