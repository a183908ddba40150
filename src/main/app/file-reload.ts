/**
 * Live reload (issue 15): watches the folder of the open runbook, and when
 * the runbook or a profile beside it changes, asks the cockpit to read them
 * again, so an edit takes effect without a restart.
 *
 * The folder is watched rather than the files: editors save by writing a
 * new file and renaming it over the old one (a watch on the old file then
 * sees nothing more), and a profile created after the runbook opened must
 * be seen too. Changes come in bursts (truncate, write, chmod, rename), so
 * a short quiet time passes before one re-read. A watch can fail (no inotify
 * watches left, a network mount); the renderer's re-read on focus is the
 * fallback, and the failure is logged once, not thrown.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import type { Cockpit } from './cockpit';
import type { Logger } from './log';

/** Quiet time after the last change before the files are read again. */
export const RELOAD_DEBOUNCE_MS = 150;

/** Names in the runbook's folder whose change matters: the runbook, and any profile it may have. */
function matters(name: string, runbook: string): boolean {
  return name === runbook || /\.flightdeck\.ya?ml$/.test(name) || name === 'flightdeck.yaml' || name === 'flightdeck.yml';
}

export class FileReload {
  private watcher: FSWatcher | null = null;
  private dir: string | null = null;
  private runbook = '';
  private timer: NodeJS.Timeout | null = null;
  /** A re-read is running; a change meanwhile asks for one more after it. */
  private running: Promise<void> | null = null;
  private again = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly cockpit: Cockpit,
    private readonly log: Logger,
    private readonly debounceMs = RELOAD_DEBOUNCE_MS,
  ) {
    this.unsubscribe = cockpit.onActivated(() => this.follow());
  }

  close(): void {
    this.unsubscribe();
    this.stopWatching();
  }

  /** Watches the folder of whatever is open now; nothing for an uploaded or demo runbook. */
  private follow(): void {
    const files = this.cockpit.watchedFiles();
    if (files?.dir === this.dir && files && basename(files.runbook) === this.runbook) return;
    this.stopWatching();
    if (!files) return;
    this.dir = files.dir;
    this.runbook = basename(files.runbook);
    try {
      this.watcher = watch(files.dir, { persistent: false }, (_event, name) => {
        // Some platforms give no name: then anything in the folder may be it.
        if (name === null || matters(name.toString(), this.runbook)) this.schedule();
      });
      this.watcher.on('error', (error) => {
        this.log.warn(`watching ${files.dir} for changes stopped (${error.message}); changes are read when the window gets the focus`);
        this.stopWatching();
      });
    } catch (error) {
      this.log.warn(`cannot watch ${files.dir} for changes (${(error as Error).message}); changes are read when the window gets the focus`);
      this.watcher = null;
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reload();
    }, this.debounceMs);
  }

  private async reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.cockpit
      .reloadIfChanged()
      .then(() => undefined)
      .catch((error: unknown) => this.log.warn(`re-reading the runbook after a change failed: ${error instanceof Error ? error.message : String(error)}`));
    await this.running;
    this.running = null;
    if (this.again) {
      this.again = false;
      await this.reload();
    }
  }

  private stopWatching(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
    this.dir = null;
  }
}
