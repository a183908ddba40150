/**
 * npm run bench:connection
 *
 * Milliseconds from killing main (browser mode, SIGKILL) to "Not connected"
 * painted in the open tab, in Debian Chromium against the demo environment.
 * RUNS (5) kills; after each, browser mode starts again on the same data
 * directory and the same tab reconnects by itself before the next. The last
 * line is one JSON object: { notConnectedMs (median), runsMs, targetMs };
 * the target is under 3,000 ms.
 */
import { launchChromium, openCockpit, startBrowserMode, startDemoBrowserMode, type Running } from '../test/support/browser-mode';
import { notConnectedPainted, watchForNotConnected } from '../test/support/connection';
import { startDemoEnv } from '../test/support/demo-env';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 3000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const env = await startDemoEnv();
  const app = await startDemoBrowserMode(env, 'flightdeck-bench-connection-');
  const browser = await launchChromium();
  let running: Running = app.running;
  const runsMs: number[] = [];
  try {
    const page = await openCockpit(browser, running, { viewport: { width: 1280, height: 800 } });
    await page.waitForSelector('[data-testid="probe-light"][data-health="up"]', { timeout: 30_000 });
    for (let run = 0; run < RUNS; run++) {
      await watchForNotConnected(page);
      const killedAt = Date.now();
      await running.kill();
      const { paintedAt } = await notConnectedPainted(page);
      runsMs.push(paintedAt - killedAt);
      process.stderr.write(`run ${run + 1}: ${paintedAt - killedAt} ms\n`);
      running = await startBrowserMode(running.args);
      // The same tab comes back by itself before the next kill.
      await page.waitForSelector('[data-testid="connection-banner"]', { state: 'detached', timeout: 30_000 });
    }
  } finally {
    await browser.close();
    await running.stop();
    await app.stop();
    await env.stop();
  }
  process.stdout.write(`${JSON.stringify({ notConnectedMs: median(runsMs), runsMs, targetMs: TARGET_MS })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
