/**
 * "No runbook is open" is one error: every call that needs an open runbook
 * answers the same code and words through the contract, whichever service
 * (cockpit, gates, the session scope, the report) refused it, so the
 * renderer, browser mode and the CLI can tell it from any other failure.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import { tempDir, testApp } from '../support/app';

let dir: { path: string; remove: () => void };
let app: App;

beforeAll(() => {
  dir = tempDir('flightdeck-no-runbook-');
  app = testApp(join(dir.path, 'data'));
});
afterAll(async () => {
  await app.close();
  dir.remove();
});

describe('with nothing open', () => {
  it.each([
    ['approveTrust', { hash: 'a'.repeat(64) }],
    ['decideGate', { gateId: 'g', decision: 'hold', reason: 'waiting' }],
    ['readFlag', { flag: 'checkout_v2' }],
    ['exportReport', { paper: 'a4' }],
  ])('%s answers no-runbook', async (name, input) => {
    expect(await app.call(name, input)).toEqual({ ok: false, error: { code: 'no-runbook', message: expect.stringMatching(/^No runbook is open[.:]/) } });
  });
});
