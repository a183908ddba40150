/**
 * The `flightdeck` command: the cockpit's services without a window.
 * Usage is in cli/commands.ts (and `flightdeck --help`).
 *
 * The entry imports only what every command needs; the runbook parser and
 * each command's services are loaded when a command asks for them, so
 * `--version` answers in about the time node itself takes (bench:cli).
 */
import { guardChildren } from './app/child-guard';
import { installFaultHandler } from './app/fault-handler';
import { createLogger } from './app/log';
import { bundleLayout, defaultDataDir } from './app/paths';
import { run } from './cli/commands';
import { EXIT, describeError, exitCodeFor, processIo } from './cli/io';
import type { RunbookLoader } from './services/runbook/runbook-loader';
import type { RunbookParser } from './services/runbook/runbook-parser';

async function main(): Promise<void> {
  // A command's own fault ends its action (and its exit status says so); the process still never dies unannounced.
  const log = createLogger();
  installFaultHandler({ log });
  guardChildren(defaultDataDir(), log);
  const layout = bundleLayout(__dirname);
  let parser: RunbookParser | undefined;
  let loader: Promise<RunbookLoader> | undefined;
  const makeLoader = (): Promise<RunbookLoader> =>
    (loader ??= (async () => {
      const [{ RunbookParser }, { RunbookLoader }] = await Promise.all([import('./services/runbook/runbook-parser'), import('./services/runbook/runbook-loader')]);
      parser = new RunbookParser({ createWorker: layout.createParseWorker });
      parser.warm();
      return new RunbookLoader(parser);
    })());
  let code: number;
  try {
    code = await run(process.argv.slice(2), processIo, makeLoader);
  } catch (error) {
    processIo.err(`flightdeck: ${describeError(error)}`);
    code = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS') ? EXIT.badInput : exitCodeFor(error);
  }
  await parser?.close();
  process.exitCode = code;
}

void main();
