/**
 * "Make this runbook live" (issue 15) in main: the draft of the open
 * runbook's profile, a one-off "Test connection" of one proposal, and the
 * save that writes `<runbook>.flightdeck.yaml` beside the runbook (0600,
 * never over an existing file unless the person confirmed) and reopens the
 * runbook so its trust screen shows the new profile. The markdown is never
 * written.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Cockpit as CockpitState } from '../../shared/contract';
import { FlightdeckError } from '../../shared/errors';
import type { DraftChoices, DraftProposal, ProfileDraft } from '../../shared/profile-draft';
import type { DraftTestResult, DraftView } from '../../shared/profile-draft-calls';
import { createFlagBackend } from '../services/flags/create-backend';
import { createProbe } from '../services/probes/create-probe';
import { FlagSchema } from '../services/profile/flags-schema';
import { ProbeSchema } from '../services/profile/probes-schema';
import { parseProfileText } from '../services/profile/profile-loader';
import { draftProfile } from '../services/profile-draft/draft';
import { editedProfileText } from '../services/profile-draft/edit-profile';
import { editDraft, readExistingProfile, type ExistingProfile } from '../services/profile-draft/existing-profile';
import { buildProfile, profileYaml } from '../services/profile-draft/fill';
import { RUNBOOK_COPY } from '../services/session/session';
import { writeFileAtomic } from '../services/storage/durable-fs';
import { FILE_LIMITS, readRegularFile } from '../services/storage/read-regular-file';
import { httpDestination } from '../services/vault/destination';
import type { Redactor, SecretResolver } from '../services/vault/secrets';
import type { Cockpit } from './cockpit';

export interface LiveDraftDeps {
  cockpit: Cockpit;
  secrets: SecretResolver;
  redactor: Redactor;
}

/** A test connection never waits longer than this, whatever the entry says. */
const TEST_TIMEOUT_MS = 10_000;

export class LiveDraft {
  constructor(private readonly deps: LiveDraftDeps) {}

  /** The draft, or, with a profile beside the runbook, that profile's entries plus what the draft adds. */
  async view(): Promise<DraftView> {
    const { draft, file, existing } = await this.current();
    return { draft, fileName: basename(file), exists: existing !== null, editing: existing !== null, kept: existing?.kept ?? [] };
  }

  /**
   * Runs one proposal's probe (or reads its flag) once, after the person
   * pressed "Test connection" for exactly `approvedOrigin`: the one host it
   * contacts. Nothing is kept; the answer is what the probe engine reports.
   */
  async test(proposalId: string, choices: DraftChoices, approvedOrigin: string): Promise<DraftTestResult> {
    const { draft } = await this.current();
    const proposal = draft.proposals.find((p) => p.id === proposalId);
    if (!proposal || (proposal.kind !== 'probe' && proposal.kind !== 'flag')) {
      throw new FlightdeckError('bad-input', 'Only a probe or a flag can be tested before the profile is approved.', { field: 'proposalId' });
    }
    const only: DraftChoices = { values: choices.values, proposals: { ...Object.fromEntries(draft.proposals.map((p) => [p.id, { accepted: false }])), [proposalId]: { ...choices.proposals[proposalId], accepted: true } } };
    const built = buildProfile(draft, only);
    if (built.missing.length > 0) throw new FlightdeckError('bad-input', `Fill ${built.missing.map((k) => `<${k}>`).join(', ')} first.`, { field: built.missing[0] });
    const entry = proposal.kind === 'probe' ? (built.profile.probes as unknown[])[0] : (built.profile.flags as unknown[])[0];
    if (proposal.kind === 'probe') {
      const parsed = ProbeSchema.safeParse(entry);
      if (!parsed.success) throw new FlightdeckError('bad-input', `${proposal.title}: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`, { field: proposalId });
      const config = parsed.data;
      const origin = 'url' in config && typeof config.url === 'string' && /^https?:/.test(config.url) ? httpDestination(config.url) : null;
      this.checkApproved(origin, approvedOrigin, proposal);
      const probe = createProbe({ ...config, timeoutMs: Math.min(config.timeoutMs, TEST_TIMEOUT_MS) }, { secrets: this.deps.secrets, redactor: this.deps.redactor });
      try {
        const reading = await probe.run(AbortSignal.timeout(TEST_TIMEOUT_MS + 1000));
        return { ok: reading.health !== 'down', target: probe.target, message: reading.message, latencyMs: reading.latencyMs };
      } finally {
        await probe.close();
      }
    }
    const parsed = FlagSchema.safeParse(entry);
    if (!parsed.success) throw new FlightdeckError('bad-input', `${proposal.title}: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`, { field: proposalId });
    const backend = parsed.data.backend;
    const httpUrl = backend.type === 'http' ? backend.url : backend.type === 'heroku' || backend.type === 'railway' ? backend.apiUrl : null;
    this.checkApproved(httpUrl ? httpDestination(httpUrl) : null, approvedOrigin, proposal);
    const flag = createFlagBackend(backend, { secrets: this.deps.secrets, timeoutMs: Math.min(parsed.data.timeoutMs, TEST_TIMEOUT_MS) });
    const started = Date.now();
    try {
      const value = await flag.read(AbortSignal.timeout(TEST_TIMEOUT_MS));
      return { ok: true, target: flag.target, message: `reads ${JSON.stringify(value)}`, latencyMs: Date.now() - started };
    } catch (error) {
      return { ok: false, target: flag.target, message: this.deps.redactor.redact(error instanceof Error ? error.message : String(error)), latencyMs: null };
    } finally {
      await flag.close();
    }
  }

  /** Writes the profile beside the runbook and reopens it: the trust screen then shows what the new profile would do. */
  async save(choices: DraftChoices, overwrite: boolean, editing = false): Promise<CockpitState> {
    const { file, doc, text: runbookText, ...current } = await this.current(editing && !overwrite);
    if (editing && !current.existing) throw new FlightdeckError('conflict', `${basename(file)} is no longer beside the runbook; open the form again.`, { file });
    const edited = current.existing ? editedProfileText(current.existing, current.draft, choices) : null;
    const built = edited ? null : buildProfile(current.draft, choices);
    const missing = edited?.missing ?? built!.missing;
    if (missing.length > 0) throw new FlightdeckError('bad-input', `Fill ${missing.map((k) => `<${k}>`).join(', ')} before saving.`, { field: missing[0] });
    const text = edited ? edited.text : `# Deployment profile of ${doc.source.name}, made with "Make this runbook live".\n${profileYaml(built!.profile)}`;
    // The loader's own check, so what is saved always loads (and an error names the field).
    parseProfileText(text, { file });
    if (!edited && existsSync(file) && !overwrite) {
      throw new FlightdeckError('conflict', `${basename(file)} already exists beside the runbook; confirm to replace it.`, { file });
    }
    // An edited file keeps the permissions its owner gave it.
    writeFileAtomic(file, text, edited ? statSync(file).mode & 0o777 : undefined);
    // Reopened the way it was opened, so the new profile is read and its trust screen shows it.
    if (doc.source.path) return this.deps.cockpit.openPath(doc.source.path);
    return this.deps.cockpit.openText(doc.source.name, runbookText);
  }

  /**
   * The press is the approval of that one origin: checked against what the
   * proposal contacts, then journaled (origin, proposal, who pressed it)
   * before anything is sent, so the record exists even if the test hangs.
   */
  private checkApproved(origin: string | null, approved: string, proposal: DraftProposal): void {
    if (origin === null || origin !== approved) {
      throw new FlightdeckError('forbidden', `Test connection was approved for ${approved}, but this proposal contacts ${origin ?? 'a host that is not an http origin'}; nothing was sent.`, { field: 'approvedOrigin' });
    }
    const journal = this.deps.cockpit.activation()?.journal;
    journal?.record('trust.tested', this.deps.cockpit.operator(), { origin, proposal: proposal.id, kind: proposal.kind === 'flag' ? 'flag' : 'probe' });
  }

  /** The open runbook's draft and profile file; `editing`: the existing profile's entries first (only when the file is there). */
  private async current(editing = true): Promise<{ draft: ProfileDraft; file: string; doc: NonNullable<ReturnType<Cockpit['openRunbook']>>['doc']; text: string; existing: ExistingProfile | null }> {
    const open = this.deps.cockpit.openRunbook();
    if (!open) throw new FlightdeckError('not-found', 'Open a runbook first.');
    const { doc, text, sessionDir } = open;
    if (doc.source.origin === 'demo') throw new FlightdeckError('unsupported', 'The bundled demo already has its profile; open your own runbook to make it live.');
    if (doc.frontMatter && /^(probes|flags|rollback|backups|commands|gates|environment):/m.test(doc.frontMatter.text)) {
      throw new FlightdeckError('unsupported', 'This runbook carries its profile in its front matter, which a file beside it would not replace; edit the front matter instead.');
    }
    // Beside the runbook; an upload (browser mode) has no file, so beside the session's copy of it.
    const file = doc.source.path ? join(dirname(doc.source.path), `${basename(doc.source.path, extname(doc.source.path))}.flightdeck.yaml`) : join(sessionDir, `${basename(RUNBOOK_COPY, extname(RUNBOOK_COPY))}.flightdeck.yaml`);
    const draft = draftProfile(doc, text);
    if (!editing || !existsSync(file)) return { draft, file, doc, text, existing: null };
    const existing = readExistingProfile((await readRegularFile(file, { maxBytes: FILE_LIMITS.profileBytes, what: 'a profile' })).toString('utf8'), basename(file));
    return { draft: editDraft(draft, existing), file, doc, text, existing };
  }
}
