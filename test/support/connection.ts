/**
 * Watching a cockpit page lose main: when the "Not connected" banner was
 * painted, and what the status lights said in that same frame. Shared by
 * the connection e2e test and bench:connection, so both measure the same
 * thing.
 */
import type { Page } from 'playwright-core';

interface LostWatch {
  paintedAt: number;
  lights: string[];
}

/** Runs in the page (a string: this file is compiled without the DOM's types). */
const ARM = `(() => {
  delete window.__fdLost;
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="connection-banner"]')) return;
    observer.disconnect();
    const lights = [...document.querySelectorAll('[data-testid="probe-light"]')].map((light) => light.dataset.health ?? '');
    // requestAnimationFrame runs just before the frame is painted; a task queued from it runs after.
    requestAnimationFrame(() => setTimeout(() => (window.__fdLost = { paintedAt: Date.now(), lights }), 0));
  });
  observer.observe(document.body, { childList: true, subtree: true });
})()`;

/** Arms the watch; call before killing main. */
export async function watchForNotConnected(page: Page): Promise<void> {
  await page.evaluate(ARM);
}

/** Waits for the banner's paint; its epoch time (the page and the test share the machine's clock) and the lights then. */
export async function notConnectedPainted(page: Page, timeoutMs = 15_000): Promise<LostWatch> {
  // Polled with evaluate: waitForFunction with a string needs eval, which the cockpit's CSP refuses. The poll only reads the time the page wrote.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lost = (await page.evaluate('window.__fdLost ?? null')) as LostWatch | null;
    if (lost) return lost;
    if (Date.now() > deadline) throw new Error(`"Not connected" was not painted within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
