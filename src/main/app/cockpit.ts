/**
 * The cockpit: the open runbook, its session and the operator's prefs, and
 * every action the contract offers on them. Both the Electron shell and the
 * browser bridge drive this one object, so the two modes behave the same.
 */
import type { AppInfo, Cockpit as CockpitState, Notice, Prefs } from '../../shared/contract';
import { FlightdeckError } from '../../shared/errors';
import type { RunbookDoc, TaskItem } from '../../shared/runbook-model';
import { isChecked, type JournalEntry } from '../../shared/session-model';
import type { PrefsStore } from '../services/prefs/prefs-store';
import { MARKDOWN_EXTENSION_NAMES, MARKDOWN_EXTENSIONS } from '../services/runbook/markdown-files';
import type { LoadedRunbook, RunbookLoader } from '../services/runbook/runbook-loader';
import { decodeSource } from '../services/runbook/source-text';
import { applyTicks, writeMarkdownFile } from '../services/runbook/writeback';
import { RUNBOOK_COPY, Session, runbookRef } from '../services/session/session';
import type { RunbookKey, SessionRegistry } from '../services/session/session-registry';
import { findProfile, type LoadedProfile } from '../services/profile/profile-loader';
import type { ActionJournal } from '../services/actions/action-journal';
import type { EntryDataOf, EntryType } from '../../shared/session-model';
import type { EventSink } from './event-hub';
import type { Logger } from './log';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CockpitDeps {
  app: AppInfo;
  loader: RunbookLoader;
  registry: SessionRegistry;
  prefs: PrefsStore;
  events: EventSink;
  log: Logger;
  demoRunbookPath: string;
  clock?: () => Date;
}

interface Open {
  key: RunbookKey;
  runbook: LoadedRunbook;
  items: Map<string, TaskItem>;
  session: Session;
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
}

export class Cockpit {
  private open: Open | null = null;
  /** Messages about the last open (a changed runbook, a session that could not resume). */
  private notices: Notice[] = [];
  /** Opening is async (parsing); one at a time so sessions never interleave. */
  private opening: Promise<unknown> = Promise.resolve();
  private profile: { loaded: LoadedProfile | null; error: string | null } = { loaded: null, error: null };
  private readonly activationListeners = new Set<(activation: Activation) => void>();
  /** Checks that may refuse to close the open session (a rollback still writing to its journal). */
  private readonly sessionGuards = new Set<() => void>();

  constructor(private readonly deps: CockpitDeps) {}

  state(): CockpitState {
    const open = this.open;
    return {
      app: this.deps.app,
      prefs: this.deps.prefs.get(),
      runbook: open?.runbook.doc ?? null,
      session: open ? { ...open.session.state, dir: open.session.dir } : null,
      notices: this.notices,
    };
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
    const events = this.deps.events;
    const journal: ActionJournal = {
      record<T extends EntryType>(type: T, by: string | null, data: EntryDataOf<T>) {
        const entry = session.record(type, by, data);
        events.emit('sessionEntry', { sessionId: session.state.id, entry });
        return entry;
      },
      entries: () => session.entries(),
    };
    return { runbook: open.runbook.doc, profile: this.profile.loaded, profileError: this.profile.error, journal, sessionDir: session.dir };
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
  async openUpload(name: string, bytes: Uint8Array): Promise<CockpitState> {
    return this.exclusive(async () => {
      const runbook = await this.deps.loader.loadBytes(name, bytes);
      return this.activate(`import:${runbook.doc.source.sha256}`, runbook);
    });
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
      open.session.finish('new session started', this.operator());
      open.session.close();
      const session = this.createSession(open.runbook);
      this.deps.registry.remember(open.key, session.dir);
      this.open = { ...open, session };
      this.activated();
      return this.replaced();
    });
  }

  tick(itemId: string, checked: boolean): JournalEntry {
    return this.recordOnItem(itemId, (session, item, by) => session.tick(item.id, checked, item.text, by));
  }

  note(itemId: string, text: string): JournalEntry {
    return this.recordOnItem(itemId, (session, item, by) => session.note(item.id, text, item.text, by));
  }

  /**
   * Writes the session's ticks into the markdown file. When the file changed
   * since it was read, it is read again first: ids are stable, so the ticks
   * still land on the right items, and nobody's edit is overwritten.
   */
  async writeTicksToFile(): Promise<{ path: string; changed: number }> {
    return this.exclusive(async () => {
      const open = this.requireOpen();
      const { doc } = open.runbook;
      if (!doc.source.writable || !doc.source.path) {
        const why = doc.source.origin === 'demo' ? 'the demo runbook is read-only' : doc.source.origin === 'import' ? 'it was opened as text and has no file to write to' : 'the file is not writable';
        throw new FlightdeckError('unsupported', `Ticks cannot be written back: ${why}.`, { file: doc.source.name });
      }
      const path = doc.source.path;
      const onDisk = decodeSource(await readFile(path), doc.source.name);
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
  private activate(key: RunbookKey, runbook: LoadedRunbook): CockpitState {
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
    this.open = { key, runbook, items: indexItems(runbook.doc), session };
    this.loadProfile(runbook.doc);
    this.activated();
    return this.replaced();
  }

  /** The runbook's deployment profile; an error in it is a notice, and live capability stays off. */
  private loadProfile(doc: RunbookDoc): void {
    try {
      this.profile = { loaded: findProfile(doc.source.path, doc.frontMatter), error: null };
    } catch (error) {
      const message = this.describe(error);
      this.profile = { loaded: null, error: message };
      this.notice('error', `The deployment profile has an error, so live health and controls are off until it is fixed: ${message}`);
    }
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
      session = Session.open(dir);
    } catch (error) {
      if (error instanceof FlightdeckError && error.code === 'locked') throw error;
      this.notice('warning', `The previous session could not be resumed (${this.describe(error)}); a new one was started. The old one is kept in ${dir}.`);
      return null;
    }
    if (session.state.closedAt) {
      session.close();
      return null;
    }
    return session;
  }

  private createSession(runbook: LoadedRunbook): Session {
    const dir = this.deps.registry.newSessionDir(runbook.doc.title);
    return Session.create(dir, runbookRef(runbook.doc), runbook.text, this.operator(), this.deps.clock);
  }

  private replaced(): CockpitState {
    const state = this.state();
    this.deps.events.emit('cockpitReplaced', state);
    return state;
  }

  /** Runs one open-like operation at a time; its notices replace the previous ones. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.opening.then(() => {
      this.notices = [];
      return work();
    });
    this.opening = run.catch(() => undefined);
    return run;
  }

  /** Records something about an item of the open runbook, then tells every renderer. */
  private recordOnItem(itemId: string, record: (session: Session, item: TaskItem, by: string) => JournalEntry): JournalEntry {
    const open = this.requireOpen();
    const entry = record(open.session, this.requireItem(open, itemId), this.operator());
    this.deps.events.emit('sessionEntry', { sessionId: open.session.state.id, entry });
    return entry;
  }

  private requireOpen(): Open {
    if (!this.open) throw new FlightdeckError('bad-input', 'No runbook is open.');
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

function indexItems(doc: RunbookDoc): Map<string, TaskItem> {
  return new Map(doc.items.map((item) => [item.id, item]));
}
