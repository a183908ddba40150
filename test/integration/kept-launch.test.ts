/**
 * Browser mode keeps its port and token in the data directory, owner-only,
 * so an open tab survives a restart: the file's rules on real files, and
 * real browser-mode processes reusing, rotating and giving way.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEPT_LAUNCH_FILE, keepLaunch, planLaunch, readKeptLaunch } from '../../src/main/bridge/kept-launch';
import { tempDir } from '../support/app';
import { startBrowserMode, type Running } from '../support/browser-mode';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = tempDir('flightdeck-kept-launch-');
  cleanups.push(dir.remove);
  return dir.path;
}

async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const running = await startBrowserMode(args, env);
  cleanups.push(running.stop);
  return running;
}

const tokenOf = (running: Running) => new URL(running.launchUrl).searchParams.get('token');

describe('the kept port and token file', () => {
  it('is written 0600, reused as it is, and a rotation changes only the token', () => {
    const dir = dataDir();
    const first = planLaunch(dir, null, false);
    expect(first).toMatchObject({ port: 0, portIsKept: false, notes: [] });
    keepLaunch(dir, { port: 43117, token: first.token });
    expect(statSync(join(dir, KEPT_LAUNCH_FILE)).mode & 0o777).toBe(0o600);

    expect(planLaunch(dir, null, false)).toEqual({ port: 43117, portIsKept: true, token: first.token, notes: [] });
    // An asked port wins over the kept one, and is not given up when taken.
    expect(planLaunch(dir, 40000, false)).toMatchObject({ port: 40000, portIsKept: false, token: first.token });

    const rotated = planLaunch(dir, null, true);
    expect(rotated.port).toBe(43117);
    expect(rotated.token).not.toBe(first.token);
    expect(rotated.notes.join(' ')).toMatch(/rotated/);
  });

  it('does not trust a file others can read, or one that is malformed, and says why', () => {
    const dir = dataDir();
    const file = join(dir, KEPT_LAUNCH_FILE);
    keepLaunch(dir, { port: 43117, token: 'a'.repeat(43) });
    chmodSync(file, 0o644);
    const exposed = planLaunch(dir, null, false);
    expect(exposed.token).not.toBe('a'.repeat(43));
    expect(exposed.notes.join(' ')).toMatch(/readable by other users/);

    writeFileSync(file, '{"port": "43117", "token": "short"}', { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(readKeptLaunch(dir).problem).toMatch(/field "port"/);
    writeFileSync(file, 'not json');
    expect(readKeptLaunch(dir).problem).toMatch(/not JSON/);
  });
});

describe('browser mode across restarts', () => {
  it('comes back at the same address, rotates the token on demand, and moves off a port someone took', async () => {
    const dir = dataDir();
    const first = await start(['--data-dir', dir]);
    const kept = JSON.parse(readFileSync(join(dir, KEPT_LAUNCH_FILE), 'utf8')) as { port: number; token: string };
    expect(kept).toEqual({ port: Number(new URL(first.origin).port), token: tokenOf(first) });
    await first.stop();

    const second = await start(['--data-dir', dir]);
    expect(second.launchUrl).toBe(first.launchUrl);
    // The cookie the old tab holds is accepted by the new process.
    const cookie = `flightdeck_${kept.port}=${kept.token}`;
    const call = await fetch(`${second.origin}/api/call/getCockpit`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: '{}' });
    expect(call.status).toBe(200);
    await second.stop();

    const third = await start(['--data-dir', dir, '--rotate-token']);
    expect(third.origin).toBe(first.origin);
    expect(tokenOf(third)).not.toBe(kept.token);
    expect(third.output()).toMatch(/rotated/);
    const refused = await fetch(`${third.origin}/api/call/getCockpit`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: '{}' });
    expect(refused.status).toBe(401);
    const rotatedToken = tokenOf(third);
    await third.stop();

    // Someone else listens on the kept port now: another port, said plainly, with the same token.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(kept.port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    const fourth = await start(['--data-dir', dir]);
    expect(fourth.origin).not.toBe(first.origin);
    expect(tokenOf(fourth)).toBe(rotatedToken);
    expect(fourth.output()).toMatch(new RegExp(`port ${kept.port}, used last time, is taken`));
  });
});
