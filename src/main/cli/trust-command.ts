/**
 * `flightdeck trust`: review what a runbook or profile would do and approve
 * it, list approvals, or withdraw one. The same manifest and the same
 * approvals file as the app's "Review and trust" screen.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { FlightdeckError } from '../../shared/errors';
import { checkPersonName } from '../../shared/person-name';
import { MANIFEST_SECTION_TITLES, manifestLines, type TrustView } from '../../shared/trust-model';
import { defaultDataDir } from '../app/paths';
import { findProfile, loadProfileFile } from '../services/profile/profile-loader';
import type { RunbookLoader } from '../services/runbook/runbook-loader';
import { MARKDOWN_EXTENSIONS } from '../services/runbook/markdown-files';
import { TrustStore, type CheckInput } from '../services/trust/trust-store';
import { canonicalPath, trustSubject } from '../services/trust/trust-subject';
import { EXIT, UsageError, describeError, exitCodeFor, json, type Io } from './io';

export const TRUST_USAGE = `Usage:
  flightdeck trust RUNBOOK_OR_PROFILE [--yes] [--by NAME] [--json]   review what it would do, and approve it
  flightdeck trust --list [--json]                                   list approvals
  flightdeck trust --revoke FILE                                     withdraw an approval

Without --yes, approving needs a terminal: type "trust" at the prompt.
Without a terminal and without --yes: exit 2. Approvals live in the data
directory (FLIGHTDECK_HOME), never beside the runbook.`;

export interface TrustCommandOptions {
  env?: NodeJS.ProcessEnv;
  input?: { isTTY: boolean; question(prompt: string): Promise<string> };
}

export async function trustCommand(args: string[], io: Io, loader: RunbookLoader, options: TrustCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { yes: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, list: { type: 'boolean', default: false }, revoke: { type: 'string' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help) {
      io.out(TRUST_USAGE);
      return EXIT.ok;
    }
    const store = new TrustStore(defaultDataDir(env));
    if (values.list) {
      const approvals = store.list();
      if (values.json) io.out(json(approvals.map(({ manifest: _m, ...a }) => a)));
      else io.out(approvals.length === 0 ? 'No approvals.' : approvals.map((a) => `${a.subject}\n  approved by ${a.approvedBy} at ${a.approvedAt}, manifest ${a.hash.slice(0, 16)}…`).join('\n'));
      return EXIT.ok;
    }
    if (values.revoke) {
      const removed = store.revoke(canonicalPath(values.revoke));
      io.out(removed ? `Approval of ${values.revoke} withdrawn: it is in review mode again.` : `${values.revoke} had no approval.`);
      return removed ? EXIT.ok : EXIT.failure;
    }
    if (positionals.length !== 1) throw new UsageError('name one runbook or profile file');
    const input = await checkInput(positionals[0]!, loader);
    const check = store.check(input);
    const view = check.view;
    if (values.json && !values.yes) {
      io.out(json(view));
    } else if (!values.json) {
      io.out(describe(view));
    }
    if (view.state === 'inert') return EXIT.ok;
    if (view.state === 'trusted') {
      if (values.json && values.yes) io.out(json(view));
      return EXIT.ok;
    }
    const ask = options.input ?? terminalInput();
    if (!values.yes) {
      if (!ask.isTTY) throw new FlightdeckError('forbidden', 'Not approved: approve with --yes, or run this on a terminal and type "trust".', { field: 'yes' });
      const typed = (await ask.question('Type "trust" to approve exactly this: ')).trim();
      if (typed !== 'trust') throw new FlightdeckError('forbidden', 'Not approved: "trust" was not typed.', { field: 'confirmation' });
    }
    const by = checkPersonName(values.by ?? env.USER ?? env.USERNAME ?? 'unknown', '--by');
    const approved = store.approve(input, view.hash, by);
    if (values.json) io.out(json(approved.view));
    else io.out(`Approved by ${by}: ${input.subject} may now act as listed (manifest ${view.hash.slice(0, 16)}…).`);
    return EXIT.ok;
  } catch (error) {
    io.err(`flightdeck trust: ${describeError(error)}${error instanceof UsageError ? `\n\n${TRUST_USAGE}` : ''}`);
    return exitCodeFor(error);
  }
}

/** A runbook brings its own commands and triggers; a profile file alone grants what the CLI acts through. */
async function checkInput(file: string, loader: RunbookLoader): Promise<CheckInput> {
  if (MARKDOWN_EXTENSIONS.test(file)) {
    const runbook = await loader.loadFile(file, 'file', file);
    const profile = await findProfile(runbook.doc.source.path, runbook.doc.frontMatter);
    if (!profile) throw new FlightdeckError('not-found', 'has no deployment profile (front matter, or a .flightdeck.yaml beside it): there is nothing to trust.', { file });
    return { subject: trustSubject(runbook.doc, profile), profile, doc: runbook.doc };
  }
  const profile = await loadProfileFile(file);
  return { subject: canonicalPath(profile.file), profile, doc: null };
}

/** The manifest as a person reads it, with what changed since the last approval. */
export function describe(view: TrustView): string {
  const out: string[] = [];
  const state = { inert: 'inert: it asks for no live capability', trusted: `trusted${view.implicit ? ` (${view.implicit})` : `, approved by ${view.approvedBy} at ${view.approvedAt}`}`, untrusted: 'NOT TRUSTED: review mode', changed: `CHANGED since ${view.approvedBy} approved it at ${view.approvedAt}: review mode` }[view.state];
  out.push(`${view.subject ?? 'runbook'}: ${state}`, `manifest sha256 ${view.hash}`, '');
  const lines = manifestLines(view.manifest);
  for (const [section, title] of Object.entries(MANIFEST_SECTION_TITLES)) {
    const entries = lines.filter((l) => l.section === section);
    out.push(`${title}${section === 'automatic' && entries.length ? ' (AUTOMATIC: no one presses anything)' : ''}:`);
    out.push(...(entries.length ? entries.map((l) => `  ${l.text}`) : ['  none']));
  }
  if (view.changes.length > 0) {
    out.push('', 'Changed since the approval:');
    for (const c of view.changes) out.push(`  ${c.change === 'added' ? '+' : '-'} [${MANIFEST_SECTION_TITLES[c.section]}] ${c.text}`);
  }
  return out.join('\n');
}

function terminalInput() {
  return {
    isTTY: process.stdin.isTTY === true,
    async question(prompt: string) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(prompt);
      } finally {
        rl.close();
      }
    },
  };
}
