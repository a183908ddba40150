/**
 * The `flightdeck` command: the cockpit's services without a window.
 * Usage is in cli/commands.ts (and `flightdeck --help`).
 */
import { guardChildren } from './app/child-guard';
import { installFaultHandler } from './app/fault-handler';
import { createLogger } from './app/log';
import { bundleLayout, defaultDataDir } from './app/paths';
import { run } from './cli/commands';
import { EXIT, describeError, exitCodeFor, processIo } from './cli/io';
import { RunbookLoader } from './services/runbook/runbook-loader';
import { RunbookParser } from './services/runbook/runbook-parser';

async function main(): Promise<void> {
  // A command's own fault ends its action (and its exit status says so); the process still never dies unannounced.
  const log = createLogger();
  installFaultHandler({ log });
  guardChildren(defaultDataDir(), log);
  const layout = bundleLayout(__dirname);
  const parser = new RunbookParser({ createWorker: layout.createParseWorker });
  let code: number;
  try {
    code = await run(process.argv.slice(2), processIo, new RunbookLoader(parser));
  } catch (error) {
    processIo.err(`flightdeck: ${describeError(error)}`);
    code = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS') ? EXIT.badInput : exitCodeFor(error);
  }
  await parser.close();
  process.exitCode = code;
}

void main();
