/**
 * The cockpit: the open runbook, its session and the operator's prefs, and
 * every action the contract offers on them. Both the Electron shell and the
 * browser bridge drive this one object, so the two modes behave the same.
 */
import { LIMITS, type AppInfo, type Cockpit as CockpitState, type NoteResult, type Notice, type Prefs } from '../../shared/contract';
import { FlightdeckError, noRunbookOpen } from '../../shared/errors';
import type { RunbookDoc, TaskItem } from '../../shared/runbook-model';
import { isChecked, type JournalEntry, type TickEvidence } from '../../shared/session-model';
import type { PrefsStore } from '../services/prefs/prefs-store';
import { MARKDOWN_EXTENSION_NAMES, MARKDOWN_EXTENSIONS } from '../services/runbook/markdown-files';
import type { LoadedRunbook, RunbookLoader } from '../services/runbook/runbook-loader';
import { decodeSource } from '../services/runbook/source-text';
import { applyTicks, writeMarkdownFile } from '../services/runbook/writeback';
import { RUNBOOK_COPY, Session, runbookRef, type SessionOptions } from '../services/session/session';
import type { RunbookKey, SessionRegistry } from '../services/session/session-registry';
import { describeProblem, findProfile, loaded as profileFromText, type LoadedProfile } from '../services/profile/profile-loader';
import { gateEntryProblems } from '../services/gates/extract-plan';
import { canonicalJson } from '../services/journal/canonical-json';
import { applyOverrides } from '../services/review/apply-overrides';
import { reviewItems } from '../services/review/review-items';
import { saveOverride } from '../services/review/override-writer';
import type { ReviewChoice, ReviewState } from '../../shared/review-model';
import type { ActionJournal } from '../services/actions/action-journal';
import type { EntryDataOf, EntryType } from '../../shared/session-model';
import type { PayloadRedactor } from '../services/vault/secrets';
import type { EventSink } from './event-hub';
import type { TrustCheck, TrustStore } from '../services/trust/trust-store';
import { trustSubject } from '../services/trust/trust-subject';
import type { Logger } from './log';
import { readFile } from 'node:fs/promises';
import { readRegularFile } from '../services/storage/read-regular-file';
import { basename, dirname, extname, join } from 'node:path';

export interface CockpitDeps {
  app: AppInfo;
  loader: RunbookLoader;
  registry: SessionRegistry;
  prefs: PrefsStore;
  events: EventSink;
  log: Logger;
  demoRunbookPath: string;
  /** Approvals of what runbooks may do; nothing acts without one. */
  trust: TrustStore;
  clock?: () => Date;
  /** The app's one redactor: every journal entry passes it before it is written. */
  redactor?: PayloadRedactor;
}

/** Told with a note that held a secret the vault knows: it was saved with the secret replaced. */
export const NOTE_REDACTED_NOTICE = 'A secret was removed from your note before it was saved: it shows as «secret:NAME». Keep credentials in the vault, not in notes.';

interface Open {
  key: RunbookKey;
  runbook: LoadedRunbook;
  items: Map<string, TaskItem>;
  session: Session;
  /** A profile that arrived with an uploaded runbook (browser mode: both files dropped); it has no file to re-read. */
  uploadedProfile?: { name: string; text: string } | null;
}

/** What live services (telemetry, control) are built from each time a runbook or session opens. */
export interface Activation {
  runbook: RunbookDoc;
  /** The deployment profile, null when the runbook has none or it failed to load. */
  profile: LoadedProfile | null;
  profileError: string | null;
  /** The open session's journal; every entry recorded through it reaches the renderers too. */
  journal: ActionJournal;
  sessionDir: string;
  /** Whether a person approved what the runbook and profile would do; live services arm only from `trust.trusted`. */
  trust: TrustCheck;
}

export class Cockpit {
  private open: Open | null = null;
  /** Messages about the last open (a changed runbook, a session that could not resume). */
  private notices: Notice[] = [];
  /** Opening is async (parsing); one at a time so sessions never interleave. */
  private opening: Promise<unknown> = Promise.resolve();
  private profile: { loaded: LoadedProfile | null; error: string | null } = { loaded: null, error: null };
  /** What the profile read last gave (profile, dropped entries, error): a re-read that gives the same changes nothing. */
  private profileFingerprint = '';
  private trust: TrustCheck | null = null;
  /** Internal consumers of journal entries (telemetry markers, gates): the unredacted domain stream, never the renderer's copies. */
  private readonly entryListeners = new Set<(entry: JournalEntry) => void>();
  private readonly activationListeners = new Set<(activation: Activation) => void>();
  /** Checks that may refuse to close the open session (a rollback still writing to its journal). */
  private readonly sessionGuards = new Set<() => void>();

  constructor(private readonly deps: CockpitDeps) {}

  state(): CockpitState {
    const open = this.open;
    return {
      app: this.deps.app,
      prefs: this.deps.prefs.get(),
      // As the profile's review choices shape it: an ignored threshold draws no band.
      runbook: open ? this.effectiveDoc(open) : null,
      session: open ? { ...open.session.state, dir: open.session.dir } : null,
      notices: open ? [...damageNotices(open.session), ...this.notices] : this.notices,
      trust: open && this.trust ? this.trust.view : null,
    };
  }

  /** Every entry recorded in the open session, as it is recorded. Returns the unsubscribe. */
  onEntry(listener: (entry: JournalEntry) => void): () => void {
    this.entryListeners.add(listener);
    return () => this.entryListeners.delete(listener);
  }

  /**
   * The person approves exactly what they were shown (`hash`); journaled
   * with the manifest's hash, then live capability is rebuilt armed.
   */
  async approveTrust(hash: string): Promise<CockpitState> {
    return this.exclusive(async () => {
      const open = this.requireOpen();
      const input = this.trustInput(open.runbook.doc);
      const check = this.deps.trust.approve(input, hash, this.operator());
      const m = check.view.manifest;
      this.record(open, 'trust.approved', { subject: check.view.subject ?? '', hash: check.view.hash, hosts: m.hosts.length, programs: m.programs.length + m.allowlist.length, automatic: m.automatic.length });
      this.trust = check;
      this.activated();
      return this.replaced();
    });
  }

  /** Back to review mode: the approval is removed and every live service is rebuilt powerless. */
  async revokeTrust(): Promise<CockpitState> {
    return this.exclusive(async () => {
      const open = this.requireOpen();
      const subject = this.trust?.view.subject;
      if (!subject || this.trust?.view.implicit) throw new FlightdeckError('unsupported', this.trust?.view.implicit ? `This runbook is trusted as ${this.trust.view.implicit}; there is no approval to withdraw.` : 'There is no approval to withdraw.');
      this.checkSessionGuards();
      this.deps.trust.revoke(subject);
      this.record(open, 'trust.revoked', { subject, reason: 'approval withdrawn' });
      this.trust = this.deps.trust.check(this.trustInput(open.runbook.doc));
      this.activated();
      return this.replaced();
    });
  }

  /**
   * Called each time a runbook or session becomes the open one (and now, when
   * one already is), so telemetry and control rebuild for its profile and
   * journal. Returns the unsubscribe.
   */
  onActivated(listener: (activation: Activation) => void): () => void {
    this.activationListeners.add(listener);
    const current = this.activation();
    if (current) listener(current);
    return () => this.activationListeners.delete(listener);
  }

  /** `guard` throws a FlightdeckError to keep the open session open; returns the unregister. */
  guardSession(guard: () => void): () => void {
    this.sessionGuards.add(guard);
    return () => this.sessionGuards.delete(guard);
  }

  activation(): Activation | null {
    const open = this.open;
    if (!open) return null;
    const session = open.session;
    const published = (entry: JournalEntry) => this.published(session.state.id, entry);
    const journal: ActionJournal = {
      record<T extends EntryType>(type: T, by: string | null, data: EntryDataOf<T>) {
        const entry = session.record(type, by, data);
        published(entry);
        return entry;
      },
      entries: () => session.entries(),
    };
    const trust = this.trust ?? this.deps.trust.check({ subject: null, profile: null, doc: open.runbook.doc });
    return { runbook: this.effectiveDoc(open), profile: this.profile.loaded, profileError: this.profile.error, journal, sessionDir: session.dir, trust };
  }

  /** The runbook with the profile's overrides applied (apply-overrides.ts; the gate plan applies them the same way). */
  private effectiveDoc(open: Open): RunbookDoc {
    return applyOverrides(open.runbook.doc, this.profile.loaded?.profile.overrides ?? []);
  }

  /** "What Flightdeck read": every reading of the runbook with its line and the choice saved for it. */
  review(): ReviewState {
    const open = this.requireOpen();
    const target = this.overridesFile(open);
    return { items: reviewItems(open.runbook.doc, this.profile.loaded?.profile ?? null), file: target.file, unsaveable: target.why };
  }

  /**
   * Saves a review choice in the profile's `overrides:` (comments kept),
   * then reads the profile again: a choice that changes an automatic
   * trigger changes the manifest, so the runbook is in review mode until
   * approved again.
   */
  async setReviewChoice(choice: ReviewChoice): Promise<ReviewState> {
    const open = this.requireOpen();
    const target = this.overridesFile(open);
    if (!target.file) throw new FlightdeckError('unsupported', `Review choices cannot be saved: ${target.why}.`);
    if (this.profile.error) throw new FlightdeckError('bad-input', `Review choices cannot be saved while the profile has an error: ${this.profile.error}`);
    await saveOverride(target.file, choice);
    await this.reloadIfChanged();
    return this.review();
  }

  /** Where review choices go: the profile file, or a new one beside the runbook; never the markdown. */
  private overridesFile(open: Open): { file: string | null; why: string | null } {
    const source = open.runbook.doc.source;
    const loaded = this.profile.loaded;
    // Before the profile: the demo's profile lives in the app's own resources.
    if (source.origin === 'demo') return { file: null, why: 'the demo runbook is read-only' };
    if (loaded?.origin === 'file') return { file: loaded.file, why: null };
    if (loaded?.origin === 'front-matter') return { file: null, why: "the profile is the runbook's front matter, and Flightdeck never changes the markdown; move it to a .flightdeck.yaml file beside the runbook" };
    if (source.origin !== 'file' || !source.path) return { file: null, why: 'the runbook was opened as an upload and has no folder to save a profile in' };
    return { file: join(dirname(source.path), `${basename(source.path, extname(source.path))}.flightdeck.yaml`), why: null };
  }

  /** The open runbook as read (its text too) and where its session keeps the copy; null with nothing open. */
  openRunbook(): { doc: RunbookDoc; text: string; sessionDir: string } | null {
    const open = this.open;
    return open ? { doc: open.runbook.doc, text: open.runbook.text, sessionDir: open.session.dir } : null;
  }

  /** Who is flying: recorded with every action. */
  operator(): string {
    return this.deps.prefs.get().operator;
  }

  /** What to show at launch: the file asked for, else the last runbook, else the demo. */
  async startup(requestedPath: string | null): Promise<void> {
    const problems: Notice[] = [];
    if (requestedPath) {
      try {
        await this.openPath(requestedPath, requestedPath);
        return;
      } catch (error) {
        problems.push({ level: 'error', message: this.describe(error) });
      }
    }
    const last = this.deps.registry.last();
    if (last && !requestedPath) {
      try {
        await this.reopen(last.key, last.dir);
        return;
      } catch (error) {
        problems.push({ level: 'warning', message: `The last runbook could not be reopened: ${this.describe(error)}` });
      }
    }
    await this.openDemo();
    this.notices.push(...problems);
    this.notice('info', 'This is the bundled demo runbook. Open your own checklist with Open, by dropping a markdown file here, or by naming it on the command line.');
  }

  async openPath(path: string, label = path): Promise<CockpitState> {
    if (!MARKDOWN_EXTENSIONS.test(path)) {
      throw new FlightdeckError('bad-input', `is not a markdown file (${MARKDOWN_EXTENSION_NAMES.map((e) => `.${e}`).join(', ')}).`, { file: label });
    }
    return this.exclusive(async () => {
      const runbook = await this.deps.loader.loadFile(path, 'file', label);
      return this.activate(`file:${runbook.doc.source.path}`, runbook);
    });
  }

  /** A file that arrived as bytes (browser mode's picker and drop): an import without a path. */
  async openUpload(name: string, bytes: Uint8Array, profile: { name: string; bytes: Uint8Array } | null = null): Promise<CockpitState> {
    return this.exclusive(async () => {
      const runbook = await this.deps.loader.loadBytes(name, bytes);
      const uploadedProfile = profile ? { name: profile.name, text: Buffer.from(profile.bytes).toString('utf8') } : null;
      return this.activate(`import:${runbook.doc.source.sha256}`, runbook, uploadedProfile);
    });
  }

  /**
   * Reads the open runbook and its profile again (a file watcher saw a
   * change, or the window got the focus back): a changed runbook is
   * re-opened in its session, a changed profile is re-validated and the
   * trust check runs again (an unchanged manifest stays approved, a changed
   * one is review mode until re-approved). Nothing changed, nothing happens.
   */
  async reloadIfChanged(): Promise<{ changed: boolean }> {
    return this.exclusive(
      async () => {
        const open = this.open;
        if (!open || open.runbook.doc.source.origin !== 'file' || !open.runbook.doc.source.path) return { changed: false };
        const path = open.runbook.doc.source.path;
        const name = open.runbook.doc.source.name;
        // Hashed before parsing: a focus that finds nothing changed costs one read, not a parse.
        const onDisk = decodeSource(await readRegularFile(path, { maxBytes: LIMITS.runbookBytes, label: name, what: 'a runbook' }), name);
        const approved = this.trust?.trusted && !this.trust.view.implicit ? this.trust.view.subject : null;
        if (onDisk.sha256 !== open.runbook.doc.source.sha256) {
          const runbook = await this.deps.loader.loadFile(path, 'file', name);
          this.notices = [];
          this.notice('info', `${runbook.doc.source.name} changed on disk and was read again.`);
          await this.activate(open.key, runbook, open.uploadedProfile ?? null);
          this.journalLostApproval(approved, 'the runbook changed on disk and now does something other than what was approved');
          return { changed: true };
        }
        const before = this.profileFingerprint;
        const previous = this.profile;
        const notices = this.notices;
        this.notices = [];
        await this.loadProfile(open.runbook.doc, open.uploadedProfile ?? null);
        if (this.profileFingerprint === before) {
          // The same as before: keep the notices as they were and the live services as they are.
          this.notices = notices;
          this.profile = previous;
          return { changed: false };
        }
        this.notices.unshift({ level: 'info', message: `The deployment profile ${this.profile.loaded ? `${this.profile.loaded.file} ` : ''}changed and was read again.` });
        this.journalLostApproval(approved, 'the profile changed on disk and now does something other than what was approved');
        this.activated();
        this.replaced();
        return { changed: true };
      },
      { keepNotices: true },
    );
  }

  /** A re-read took the approval away (the manifest changed): the journal says when and why, as for a withdrawal. */
  private journalLostApproval(subject: string | null, reason: string): void {
    if (!subject || this.trust?.trusted || !this.open) return;
    this.record(this.open, 'trust.revoked', { subject, reason });
  }

  /** The files a watcher should watch for the open runbook: the runbook and where its profile is or may appear. */
  watchedFiles(): { runbook: string; dir: string } | null {
    const source = this.open?.runbook.doc.source;
    if (!source || source.origin !== 'file' || !source.path) return null;
    return { runbook: source.path, dir: dirname(source.path) };
  }

  async openText(name: string, text: string): Promise<CockpitState> {
    return this.openUpload(name, Buffer.from(text, 'utf8'));
  }

  async openDemo(): Promise<CockpitState> {
    return this.exclusive(async () => {
      const runbook = await this.deps.loader.loadFile(this.deps.demoRunbookPath, 'demo', 'demo runbook');
      return this.activate('demo', runbook);
    });
  }

  /** Closes the current session and starts a fresh run of the same runbook. */
  async startNewSession(): Promise<CockpitState> {
    return this.exclusive(async () => {
      const open = this.requireOpen();
      this.checkSessionGuards();
      // A damaged session is left exactly as it is: nothing is written into it, not even its end.
      if (!open.session.readOnly) open.session.finish('new session started', this.operator());
      open.session.close();
      const session = this.createSession(open.runbook);
      this.deps.registry.remember(open.key, session.dir);
      this.open = { ...open, session };
      this.activated();
      return this.replaced();
    });
  }

  /** `evidence`: what Flightdeck did that the operator accepted as this item done (live-ticks.ts). */
  tick(itemId: string, checked: boolean, evidence?: TickEvidence): JournalEntry {
    return this.recordOnItem(itemId, (session, item, by) => session.tick(item.id, checked, item.text, by, evidence));
  }

  /** The note as journaled; `notice` says when a secret had to be taken out of it first. */
  note(itemId: string, text: string): NoteResult {
    const entry = this.recordOnItem(itemId, (session, item, by) => session.note(item.id, text, item.text, by));
    const saved = (entry.data as EntryDataOf<'item.noted'>).text;
    return { entry, notice: saved === text ? null : NOTE_REDACTED_NOTICE };
  }

  /**
   * Writes the session's ticks into the markdown file. When the file changed
   * since it was read, it is read again first: ids are stable, so the ticks
   * still land on the right items, and nobody's edit is overwritten.
   */
  async writeTicksToFile(): Promise<{ path: string; changed: number }> {
    return this.exclusive(async () => {
      const open = this.requireOpen();
      // Before the file is touched: ticks written back must be journaled too.
      open.session.requireWritable();
      const { doc } = open.runbook;
      if (!doc.source.writable || !doc.source.path) {
        const why = doc.source.origin === 'demo' ? 'the demo runbook is read-only' : doc.source.origin === 'import' ? 'it was opened as text and has no file to write to' : 'the file is not writable';
        throw new FlightdeckError('unsupported', `Ticks cannot be written back: ${why}.`, { file: doc.source.name });
      }
      const path = doc.source.path;
      const onDisk = decodeSource(await readRegularFile(path, { maxBytes: LIMITS.runbookBytes, label: doc.source.name, what: 'a runbook' }), doc.source.name);
      let current = open.runbook;
      if (onDisk.sha256 !== doc.source.sha256) {
        current = await this.deps.loader.loadFile(path, 'file', doc.source.name);
        open.session.recordRunbook(runbookRef(current.doc), current.text, this.operator());
      }
      const session = open.session.state;
      const edit = applyTicks(current.text, current.doc.items, (item) => isChecked(session, item.id, item.checked), doc.source.name);
      if (edit.changed > 0) {
        writeMarkdownFile(path, edit.text, current.bom);
        const after = await this.deps.loader.loadFile(path, 'file', doc.source.name);
        open.session.recordWriteBack({ path, sha256Before: current.doc.source.sha256, sha256After: after.doc.source.sha256, changed: edit.changed }, after.text, this.operator());
        current = after;
      }
      this.open = { ...open, runbook: current, items: indexItems(current.doc) };
      this.replaced();
      return { path, changed: edit.changed };
    });
  }

  setOperator(name: string): Prefs {
    const prefs = this.deps.prefs.update({ operator: name });
    this.deps.events.emit('prefsChanged', prefs);
    return prefs;
  }

  setTheme(theme: Prefs['theme']): Prefs {
    const prefs = this.deps.prefs.update({ theme });
    this.deps.events.emit('prefsChanged', prefs);
    return prefs;
  }

  /** Releases the session's journal (app quit). */
  close(): void {
    this.open?.session.close();
    this.open = null;
  }

  private async reopen(key: RunbookKey, dir: string): Promise<void> {
    if (key === 'demo') {
      await this.openDemo();
    } else if (key.startsWith('file:')) {
      await this.openPath(key.slice('file:'.length), key.slice('file:'.length));
    } else {
      // An imported runbook lives on only as the session's copy.
      const text = await readFile(join(dir, RUNBOOK_COPY), 'utf8');
      await this.openText(Session.readState(dir).runbook.name, text);
    }
  }

  /**
   * Makes `runbook` the open one, with its session: the one it had (resumed
   * and told what changed in the file), or a new one. The previous session
   * is released only once the new one is ready, so a failure leaves the
   * cockpit as it was.
   */
  private async activate(key: RunbookKey, runbook: LoadedRunbook, uploadedProfile: Open['uploadedProfile'] = null): Promise<CockpitState> {
    const previous = this.open;
    const existing = previous?.key === key ? previous.session.dir : this.deps.registry.find(key);
    const keepsSession = previous !== null && previous.session.dir === existing;
    if (previous && !keepsSession) this.checkSessionGuards();
    let session = keepsSession ? previous.session : existing ? this.resume(existing) : null;
    if (session) {
      const changed = session.recordRunbook(runbookRef(runbook.doc), runbook.text, this.operator());
      if (changed) this.notice('info', 'The runbook changed since this session last read it; ticks and notes stay with their items.');
    } else {
      session = this.createSession(runbook);
    }
    if (previous && previous.session !== session) previous.session.close();
    this.deps.registry.remember(key, session.dir);
    this.open = { key, runbook, items: indexItems(runbook.doc), session, uploadedProfile };
    await this.loadProfile(runbook.doc, uploadedProfile);
    this.activated();
    return this.replaced();
  }

  /**
   * The runbook's deployment profile, read leniently: a broken entry is
   * dropped and shown as a notice naming its file, line and field, the rest
   * works. An error outside any entry (broken YAML) is a notice, and live
   * capability stays off.
   */
  private async loadProfile(doc: RunbookDoc, uploaded: Open['uploadedProfile'] = null): Promise<void> {
    // `gates:` entries must name a gate or trigger this runbook has; one that does not is dropped alone.
    const read = { lenient: true, entryChecks: (profile: Parameters<typeof gateEntryProblems>[1]) => gateEntryProblems(doc, profile) };
    try {
      // An upload has no file of its own: its profile comes with it, or sits beside the session's copy ("Make this runbook live" saves it there).
      const copy = doc.source.path === null && this.open ? join(this.open.session.dir, RUNBOOK_COPY) : null;
      const loaded = uploaded && !doc.source.path ? profileFromText(uploaded.text, { file: uploaded.name, entryChecks: read.entryChecks }, 'upload', read) : await findProfile(doc.source.path ?? copy, doc.frontMatter, read);
      this.profile = { loaded, error: null };
      for (const problem of loaded?.problems ?? []) this.notice('error', `${describeProblem(problem)} This entry is left out; the rest of the profile works.`);
    } catch (error) {
      const message = this.describe(error);
      this.profile = { loaded: null, error: message };
      this.notice('error', `The deployment profile has an error, so live health and controls are off until it is fixed: ${message}`);
    }
    if (doc.source.origin === 'import' && !this.profile.loaded && !this.profile.error) {
      // An upload has no folder to find its profile in: ask for it.
      const stem = doc.source.name.replace(/\.[^.]+$/, '');
      this.notice('info', `${doc.source.name} was opened without a deployment profile, so nothing in it can act. To make it live, open it again together with its profile (drop or pick both files: ${stem}.flightdeck.yaml).`);
    }
    const loaded = this.profile.loaded;
    this.profileFingerprint = canonicalJson({ file: loaded?.file ?? null, profile: loaded?.profile ?? null, problems: loaded?.problems ?? [], error: this.profile.error });
    this.checkTrust(doc);
  }

  /** Review mode unless a person approved exactly what this runbook and profile would do. */
  private checkTrust(doc: RunbookDoc): void {
    try {
      this.trust = this.deps.trust.check(this.trustInput(doc));
    } catch (error) {
      this.trust = this.deps.trust.check({ subject: null, profile: null, doc });
      this.notice('error', `Trust could not be checked, so the runbook stays in review mode: ${this.describe(error)}`);
      return;
    }
    const view = this.trust.view;
    if (view.state === 'untrusted') this.notice('warning', 'Review mode: this runbook can be read, ticked and rehearsed, but nothing in it reaches a host, a credential or a program until you review and trust what it would do.');
    if (view.state === 'changed') this.notice('warning', `Review mode: the runbook or its profile now does something other than what was approved (${view.changes.length} change${view.changes.length === 1 ? '' : 's'}); review the changes and trust it again.`);
  }

  private trustInput(doc: RunbookDoc) {
    return {
      subject: trustSubject(doc, this.profile.loaded),
      profile: this.profile.loaded,
      doc,
      implicit: doc.source.origin === 'demo' ? 'the bundled demo' : null,
    };
  }

  /** An entry the cockpit itself records about the open session. */
  private record<T extends EntryType>(open: Open, type: T, data: EntryDataOf<T>): JournalEntry {
    const entry = open.session.record(type, this.operator(), data);
    this.published(open.session.state.id, entry);
    return entry;
  }

  /** Internal listeners first (unredacted, for the domain), then the renderers' redacted copy. */
  private published(sessionId: string, entry: JournalEntry): void {
    for (const listener of [...this.entryListeners]) {
      try {
        listener(entry);
      } catch (error) {
        this.deps.log.error('a journal entry listener failed', error);
      }
    }
    this.deps.events.emit('sessionEntry', { sessionId, entry });
  }

  private checkSessionGuards(): void {
    for (const guard of this.sessionGuards) guard();
  }

  private activated(): void {
    const activation = this.activation();
    if (!activation) return;
    for (const listener of [...this.activationListeners]) {
      try {
        listener(activation);
      } catch (error) {
        this.deps.log.error('a live service failed to start', error);
        this.notice('error', `Live capability failed to start: ${this.describe(error)}`);
      }
    }
  }

  /** Resumes an unfinished session; a finished or unreadable one makes way for a new one. */
  private resume(dir: string): Session | null {
    let session: Session;
    try {
      session = Session.open(dir, this.sessionOptions());
    } catch (error) {
      if (error instanceof FlightdeckError && error.code === 'locked') throw error;
      // A damaged journal is shown read-only, as far as it can be believed, never repaired or started over silently.
      const damaged = openDamagedQuietly(dir);
      if (damaged) return damaged;
      this.notice('warning', `The previous session could not be resumed (${this.describe(error)}); a new one was started. The old one is kept in ${dir}.`);
      return null;
    }
    if (session.recovered) {
      const torn = session.recovered;
      this.notice('warning', `The session journal ended in an unfinished line (line ${torn.line}, ${torn.bytes} bytes: a write cut short by a crash or power cut). It was dropped; nothing acknowledged was lost.`);
    }
    if (session.state.closedAt) {
      session.close();
      return null;
    }
    return session;
  }

  private createSession(runbook: LoadedRunbook): Session {
    const dir = this.deps.registry.newSessionDir(runbook.doc.title);
    return Session.create(dir, runbookRef(runbook.doc), runbook.text, this.operator(), this.sessionOptions());
  }

  private sessionOptions(): SessionOptions {
    return { ...(this.deps.clock ? { clock: this.deps.clock } : {}), ...(this.deps.redactor ? { redactor: this.deps.redactor } : {}) };
  }

  private replaced(): CockpitState {
    const state = this.state();
    this.deps.events.emit('cockpitReplaced', state);
    return state;
  }

  /** Runs one open-like operation at a time; its notices replace the previous ones. */
  private exclusive<T>(work: () => Promise<T>, options: { keepNotices?: boolean } = {}): Promise<T> {
    const run = this.opening.then(() => {
      if (!options.keepNotices) this.notices = [];
      return work();
    });
    this.opening = run.catch(() => undefined);
    return run;
  }

  /** Records something about an item of the open runbook, then tells every renderer. */
  private recordOnItem(itemId: string, record: (session: Session, item: TaskItem, by: string) => JournalEntry): JournalEntry {
    const open = this.requireOpen();
    const entry = record(open.session, this.requireItem(open, itemId), this.operator());
    this.published(open.session.state.id, entry);
    return entry;
  }

  private requireOpen(): Open {
    if (!this.open) throw noRunbookOpen();
    return this.open;
  }

  private requireItem(open: Open, itemId: string): TaskItem {
    const item = open.items.get(itemId);
    if (!item) throw new FlightdeckError('not-found', `No item "${itemId}" in ${open.runbook.doc.source.name}.`, { field: 'itemId' });
    return item;
  }

  /** A notice that cannot wait for the next open (main must stop): every renderer shows it at once. */
  announce(level: Notice['level'], message: string): void {
    this.notice(level, message);
    this.deps.events.emit('cockpitReplaced', this.state());
  }

  private notice(level: Notice['level'], message: string): void {
    this.notices.push({ level, message });
  }

  private describe(error: unknown): string {
    if (error instanceof FlightdeckError) return error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}` : error.message;
    this.deps.log.error('unexpected error', error);
    return 'an unexpected error; see the log';
  }
}

/** What a read-only, damaged session must say for as long as it is open. */
function damageNotices(session: Session): Notice[] {
  const damage = session.damage;
  if (!damage) return [];
  return [
    {
      level: 'error',
      message: `This session's journal is damaged: ${damage.message}, in ${session.dir}. It is open read-only, showing the ${session.entries().length} entries before that line; ticks, notes and actions are refused and nothing was repaired or cut. Start a new session to go on.`,
    },
  ];
}

function openDamagedQuietly(dir: string): Session | null {
  try {
    return Session.openDamaged(dir);
  } catch {
    return null;
  }
}

function indexItems(doc: RunbookDoc): Map<string, TaskItem> {
  return new Map(doc.items.map((item) => [item.id, item]));
}
