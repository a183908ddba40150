/**
 * Watching a cockpit page lose main: when the "Not connected" banner was
 * painted, and what the status lights said in that same frame. Shared by
 * the connection e2e test and bench:connection, so both measure the same
 * thing.
 */
import type { Page } from 'playwright-core';

interface LostWatch {
  __fdLost?: { paintedAt: number; lights: string[] };
}

/** Arms the watch; call before killing main. */
export async function watchForNotConnected(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as LostWatch;
    delete w.__fdLost;
    const observer = new MutationObserver(() => {
      if (!document.querySelector('[data-testid="connection-banner"]')) return;
      observer.disconnect();
      const lights = [...document.querySelectorAll<HTMLElement>('[data-testid="probe-light"]')].map((light) => light.dataset.health ?? '');
      // requestAnimationFrame runs just before the frame is painted; a task queued from it runs after.
      requestAnimationFrame(() => setTimeout(() => (w.__fdLost = { paintedAt: Date.now(), lights }), 0));
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
}

/** Waits for the banner's paint; its epoch time (the page and the test share the machine's clock) and the lights then. */
export async function notConnectedPainted(page: Page, timeoutMs = 15_000): Promise<{ paintedAt: number; lights: string[] }> {
  const handle = await page.waitForFunction(() => (window as unknown as LostWatch).__fdLost ?? null, null, { timeout: timeoutMs });
  return (await handle.jsonValue()) as { paintedAt: number; lights: string[] };
}
