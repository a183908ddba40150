/**
 * Starts Flightdeck in browser mode from the built bundles (out/), as
 * `npm start` does where Electron cannot run, and drives Debian's Chromium
 * with playwright-core. Nothing here downloads a browser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from './app';
import { flightdeck } from './cli';
import type { DemoEnv } from './demo-env';

const ENTRY = fileURLToPath(new URL('../../out/main/browser.js', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Running {
  launchUrl: string;
  origin: string;
  /** The process id: a test may stop it (SIGSTOP) to play a hung main. */
  pid: number;
  /** The arguments it was started with (after --no-open): start it again with them to restart it. */
  args: string[];
  output: () => string;
  stop: () => Promise<void>;
  /** SIGKILL, as a crash or an out-of-memory kill would end it: no shutdown code runs. Resolves once it has exited. */
  kill: () => Promise<void>;
}

export async function startBrowserMode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  if (!existsSync(ENTRY)) throw new Error('out/main/browser.js is missing: run `npm run build` first (npm test does).');
  const child: ChildProcess = spawn(process.execPath, [ENTRY, '--no-open', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const launchUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}:\n${output}`));
    });
  });
  return {
    launchUrl,
    origin: new URL(launchUrl).origin,
    pid: child.pid!,
    args,
    output: () => output,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install Debian's chromium package (.ci/run does).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root Chromium needs --no-sandbox; the rest keep it off the (closed) network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-quic'],
  });
}

/** Browser mode serving a copy of the demo runbook from a fresh temporary folder. */
export interface DemoBrowserMode {
  running: Running;
  /** The temporary folder: runbook/ holds the copy of the demo runbook (and what it writes next to it), data/ is the app's data directory. */
  dir: string;
  /** The copy of the demo runbook, and of its profile, that browser mode opened. */
  runbook: string;
  profileFile: string;
  /** Stops browser mode and removes the folder. */
  stop: () => Promise<void>;
}

export interface DemoBrowserModeOptions {
  /** Changes the profile before anything reads it. */
  editProfile?: (profileFile: string) => void;
  /**
   * Approves the copy with `flightdeck trust --yes` first, as an operator
   * would before flying it (true unless said): a copy of the demo outside
   * the app's resources is an ordinary runbook, untrusted until approved.
   */
  trusted?: boolean;
  /** Extra environment for browser mode (test hooks such as FLIGHTDECK_TEST_TEAM_VIEW). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Copies the demo runbook, pointed at `env`, into a fresh folder, lets the
 * test change its profile first, and starts browser mode on it: how every
 * e2e test against the demo environment begins, kept in one place so the
 * folder layout the tests read their journals and backups from cannot drift.
 */
export async function startDemoBrowserMode(env: DemoEnv, prefix: string, options: DemoBrowserModeOptions | ((profileFile: string) => void) = {}): Promise<DemoBrowserMode> {
  const { editProfile, trusted = true, env: extraEnv = {} } = typeof options === 'function' ? { editProfile: options } : options;
  const data = tempDir(prefix);
  try {
    const runbookDir = join(data.path, 'runbook');
    mkdirSync(runbookDir);
    const runbook = env.profileFor(runbookDir);
    const profileFile = join(runbookDir, 'runbook.flightdeck.yaml');
    editProfile?.(profileFile);
    if (trusted) {
      const approved = flightdeck(['trust', '--yes', runbook], { FLIGHTDECK_HOME: join(data.path, 'data'), USER: 'e2e' });
      if (approved.code !== 0) throw new Error(`flightdeck trust failed (${approved.code}): ${approved.stderr}`);
    }
    const running = await startBrowserMode(['--data-dir', join(data.path, 'data'), runbook], extraEnv);
    return {
      running,
      dir: data.path,
      runbook,
      profileFile,
      stop: async () => {
        await running.stop();
        data.remove();
      },
    };
  } catch (error) {
    data.remove();
    throw error;
  }
}

/** What the renderer sets once it has its first state from main: before it the page has nothing to click. */
export const COCKPIT_READY = 'body[data-ready="true"]';

export interface OpenCockpitOptions {
  /** The page's size when opened from a Browser (a BrowserContext brings its own); 1440×900 unless said. */
  viewport?: { width: number; height: number };
  /** Typed into the operator field once the cockpit is ready, so what the test does is done in that name. */
  operator?: string;
  /** Runs on the new page before it loads the cockpit: listeners that must see the first load. */
  beforeLoad?: (page: Page) => void;
}

/**
 * Opens the cockpit of `running` in a new page and waits until it is ready
 * (and, if asked, names the operator): the same first steps in every e2e
 * test, so a change to how the cockpit says it is ready is made once.
 */
export async function openCockpit(from: Browser | BrowserContext, running: Running, options: OpenCockpitOptions = {}): Promise<Page> {
  const page = 'newContext' in from ? await from.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 } }) : await from.newPage();
  options.beforeLoad?.(page);
  await page.goto(running.launchUrl);
  await page.waitForSelector(COCKPIT_READY);
  if (options.operator !== undefined) await setOperator(page, options.operator);
  return page;
}

/** Names the operator in the cockpit's header, as a person types it, so later actions are journaled in that name. */
export async function setOperator(page: Page, name: string): Promise<void> {
  const field = page.getByTestId('operator');
  await field.fill(name);
  await field.press('Enter');
}

/** A journal entry as a test reads it from the file: the fields the e2e tests and benches look at. */
export interface JournalLine {
  seq: number;
  ts: string;
  type: string;
  by: string | null;
  data: Record<string, unknown>;
}

/**
 * The journal of the one session a demo run has, read from its file as an
 * auditor would. More than one session means the test is not reading what
 * it thinks it is, so that is an error.
 */
export function sessionJournal(demo: Pick<DemoBrowserMode, 'dir'>): JournalLine[] {
  const sessions = join(demo.dir, 'data', 'sessions');
  const dirs = readdirSync(sessions, { withFileTypes: true }).filter((d) => d.isDirectory());
  if (dirs.length !== 1) throw new Error(`expected one session in ${sessions}, found ${dirs.length}`);
  return readFileSync(join(sessions, dirs[0]!.name, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JournalLine);
}

/** A contract call made from the page, as the renderer's own transport makes it (so the cookie, Origin and token rules apply). */
export function callFromPage(page: Page, name: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { message: string } }> {
  return page.evaluate(
    async ([n, body]) => {
      const res = await fetch(`/api/call/${n}`, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-Flightdeck': '1' }, body: JSON.stringify(body) });
      return (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    },
    [name, input] as const,
  );
}

/**
 * The demo profile made quick to alarm, for tests and benches that fly the
 * faulty flag: an 8 s rate window, the red trigger held 2 s, cleared after 3 s.
 */
export function quickAlarmProfile(profileFile: string, triggerMatch: string): void {
  writeFileSync(
    profileFile,
    `${readFileSync(profileFile, 'utf8').replace('windowSeconds: 30', 'windowSeconds: 8')}
gates:
  hysteresis:
    clearSeconds: 3
  triggers:
    - match: ${triggerMatch}
      forSeconds: 2
`,
  );
}
