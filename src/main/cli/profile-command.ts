/**
 * `flightdeck profile draft RUNBOOK [--json]`: a deployment profile drafted
 * from what the runbook names, as YAML with the runbook line of every
 * proposal and a comment for every placeholder to fill (or the draft
 * itself as JSON). Loaded only when this command runs (commands.ts).
 */
import { parseArgs } from 'node:util';
import { draftProfile } from '../services/profile-draft/draft';
import { draftYaml } from '../services/profile-draft/draft-yaml';
import type { RunbookLoader } from '../services/runbook/runbook-loader';
import { EXIT, UsageError, json, type Io } from './io';

export const PROFILE_USAGE = `Usage:
  flightdeck profile draft RUNBOOK [--json]   draft a deployment profile from what the runbook names

The YAML goes to stdout: save it as <runbook>.flightdeck.yaml beside the
runbook, fill every <FIELD>, then approve it with flightdeck trust.`;

export async function profileCommand(args: string[], io: Io, loader: RunbookLoader): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.out(PROFILE_USAGE);
    return EXIT.ok;
  }
  const [sub, file, ...extra] = positionals;
  if (sub !== 'draft') throw new UsageError(`unknown profile command "${sub ?? ''}"\n\n${PROFILE_USAGE}`);
  if (!file) throw new UsageError(`missing RUNBOOK\n\n${PROFILE_USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\n\n${PROFILE_USAGE}`);
  const { doc, text } = await loader.loadFile(file, 'file', file);
  const draft = draftProfile(doc, text);
  io.out(values.json ? json(draft) : draftYaml(draft));
  return EXIT.ok;
}
