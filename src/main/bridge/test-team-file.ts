/**
 * TEST HOOK ONLY (issue 16): browser mode started with
 * FLIGHTDECK_TEST_TEAM_VIEW=<file.json> shows that file as the team view,
 * and again each time the file changes. team-panel.e2e plays every state
 * of the panel with it (a lease held, rows refused, members offline)
 * without staging each in a PostgreSQL; the real team sync
 * (app/live-team-sync.ts) has its own e2e, team-live.e2e. It only shows
 * things: nothing it says is acted on. Electron never reads it.
 *
 * A file that does not parse or does not match the TeamView schema is said
 * in the log with its path and field, and the last good view stays.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { TeamView } from '../../shared/team-model';
import { TeamViewSchema } from '../../shared/team-schema';
import type { TeamSource } from '../app/live-team';
import type { Logger } from '../app/log';

export const TEST_TEAM_VIEW_ENV = 'FLIGHTDECK_TEST_TEAM_VIEW';

/** How often the file is looked at: a test writes it and waits on the screen, not on this. */
const POLL_MS = 100;

function readView(file: string): TeamView {
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = TeamViewSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The file's view as a TeamSource, and how to stop watching it. */
export function teamSourceFromFile(file: string, log: Logger): TeamSource & { close(): void } {
  let current = readView(file);
  const listeners = new Set<(view: TeamView) => void>();
  const reread = () => {
    try {
      current = readView(file);
    } catch (error) {
      log.error('the test team view could not be read', error);
      return;
    }
    for (const listener of [...listeners]) listener(current);
  };
  watchFile(file, { interval: POLL_MS, persistent: false }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) reread();
  });
  return {
    view: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => unwatchFile(file),
  };
}
