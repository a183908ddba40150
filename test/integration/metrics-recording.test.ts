/**
 * The live cockpit keeps the window's key metrics on disk for the report:
 * probes of the demo environment, through the app as browser mode builds
 * it, end up as mean points in the session's metrics.jsonl.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import { METRICS_FILE, readRecordedMetrics } from '../../src/main/services/telemetry/metrics-recorder';
import type { Cockpit } from '../../src/shared/contract';
import { call, tempDir, testApp, trustOpenRunbook } from '../support/app';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { waitFor } from '../support/wait';

describe('metrics recorded for the report', () => {
  const dir = tempDir('flightdeck-metrics-live-');
  let demo: DemoEnv;
  let app: App;

  beforeAll(async () => {
    demo = await startDemoEnv();
    app = testApp(join(dir.path, 'data'));
  });

  afterAll(async () => {
    await app?.close();
    await demo?.stop();
    dir.remove();
  });

  it("writes the probes' readings into the session directory as ts/series/metric/value lines", async () => {
    const cockpit = await call<Cockpit>(app, 'openRunbookPath', { path: demo.profileFor(dir.path) });
    await trustOpenRunbook(app);
    const sessionDir = cockpit.session!.dir;
    // The export flushes the points still being averaged; so does this wait, until a batch has carried a rate.
    const points = await waitFor('an error_rate point in metrics.jsonl', () => {
      app.telemetry.flushRecordedMetrics();
      const recorded = readRecordedMetrics(join(sessionDir, METRICS_FILE));
      return recorded.some((p) => p.metric === 'error_rate') && recorded;
    });
    const errorRate = points.filter((p) => p.metric === 'error_rate');
    expect(errorRate.length).toBeGreaterThan(0);
    expect(errorRate[0]!.series).toMatch(/\/error_rate$/);
    expect(Math.abs(Date.parse(errorRate[0]!.ts) - Date.now())).toBeLessThan(60_000);
    expect(points.every((p) => Number.isFinite(p.value))).toBe(true);
  }, 30_000);
});
