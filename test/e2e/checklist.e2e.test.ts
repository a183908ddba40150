/**
 * The real renderer in Debian Chromium, through browser mode, against the
 * built app: what a release manager does, and what a hostile runbook tries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/app';
import { COCKPIT_READY, launchChromium, openCockpit, setOperator, startBrowserMode, type Running } from '../support/browser-mode';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Browser mode on a fresh data directory, stopped and cleaned up afterwards. */
async function withBrowserMode(args: string[], test: (running: Running) => Promise<void>): Promise<void> {
  const data = tempDir();
  const running = await startBrowserMode(['--data-dir', data.path, ...args]);
  try {
    await test(running);
  } finally {
    await running.stop();
    data.remove();
  }
}

const VIEWPORT = { width: 1280, height: 800 };

describe('the checklist in browser mode', () => {
  it('ticks an item with the keyboard; the tick survives a reload and a server restart, with who and when', async () => {
    const data = tempDir();
    let running = await startBrowserMode(['--data-dir', data.path]);
    try {
      let page = await openCockpit(browser, running, { viewport: VIEWPORT });
      await expect.poll(() => page.textContent('[data-testid="runbook-title"]')).toContain('Demo Shop: Checkout v2 Rollout');

      await setOperator(page, 'Dana Release');
      await page.locator('body').click({ position: { x: 5, y: 795 } }); // leave the input so keys drive the list

      await page.keyboard.press('j');
      const focused = page.locator('[data-testid="item"][data-focused="true"]');
      const itemId = await focused.getAttribute('data-item-id');
      expect(itemId).toBeTruthy();
      await expect.poll(() => focused.getAttribute('aria-checked')).toBe('false');
      await page.keyboard.press(' ');

      const item = () => page.locator(`[data-testid="item"][data-item-id="${itemId}"]`);
      const ticked = async () => {
        await expect.poll(() => item().getAttribute('aria-checked')).toBe('true');
        const meta = await item().locator('[data-testid="tick-meta"]').first().textContent();
        expect(meta).toContain('Dana Release');
        expect(meta).toMatch(/\d{1,2}:\d{2}/);
      };
      await ticked();

      await page.reload();
      await page.waitForSelector(COCKPIT_READY);
      await ticked();
      await page.close();

      await running.stop();
      running = await startBrowserMode(['--data-dir', data.path]);
      page = await openCockpit(browser, running, { viewport: VIEWPORT });
      await ticked();
      await page.close();
    } finally {
      await running.stop();
      data.remove();
    }
  });

  it('opens a picked file and a dropped file; a file that is not UTF-8 is refused naming the line', async () => {
    await withBrowserMode([], async (running) => {
      const page = await openCockpit(browser, running, { viewport: VIEWPORT });
      await page.getByTestId('open-file-input').setInputFiles({ name: 'picked.md', mimeType: 'text/markdown', buffer: Buffer.from('# Picked Runbook\n\n## Go\n\n- [ ] first\n- [ ] second\n') });
      await expect.poll(() => page.textContent('[data-testid="runbook-title"]')).toBe('Picked Runbook');
      expect(await page.locator('[data-testid="item"]').count()).toBe(2);

      const drop = async (name: string, bytes: number[]) => {
        // Runs in the page (DOM types are not in the tests' TypeScript lib).
        const dataTransfer = await page.evaluateHandle(
          `(() => { const t = new DataTransfer(); t.items.add(new File([new Uint8Array(${JSON.stringify(bytes)})], ${JSON.stringify(name)}, { type: 'text/markdown' })); return t; })()`,
        );
        await page.dispatchEvent('main', 'drop', { dataTransfer });
      };
      await drop('dropped.md', [...Buffer.from('# Dropped Runbook\n\n## Go\n\n- [ ] only\n')]);
      await expect.poll(() => page.textContent('[data-testid="runbook-title"]')).toBe('Dropped Runbook');

      await drop('latin1.md', [...Buffer.from('# Old\n\n- [ ] caf\xe9\n', 'latin1')]);
      await expect.poll(() => page.textContent('[data-testid="error-banner"]')).toMatch(/latin1\.md:3:\d+.*not valid UTF-8/);
      expect(await page.textContent('[data-testid="runbook-title"]')).toBe('Dropped Runbook');
      await page.close();
    });
  });

  it('runs nothing from a hostile runbook: no script, no handler, no javascript: or data: link, no remote load', async () => {
    const corpus = fileURLToPath(new URL('../fixtures/xss-corpus.md', import.meta.url));
    const dialogs: string[] = [];
    const foreign: string[] = [];
    await withBrowserMode([corpus], async (running) => {
      const page = await openCockpit(browser, running, {
        viewport: VIEWPORT,
        beforeLoad: (opened) => {
          opened.on('dialog', (dialog) => {
            dialogs.push(dialog.message());
            void dialog.dismiss();
          });
          opened.on('request', (request) => {
            if (!request.url().startsWith(running.origin)) foreign.push(request.url());
          });
        },
      });
      await expect.poll(() => page.textContent('[data-testid="runbook-title"]')).toContain('XSS corpus <script>');

      // The payloads are on screen as text.
      await expect.poll(() => page.locator('text=<script>window.__pwned = 5; alert(5)</script>').count()).toBeGreaterThan(0);
      // Nothing became markup.
      const checklist = page.locator('main');
      expect(await checklist.locator('img, iframe, object, embed, svg[onload], form, meta, details, style').count()).toBe(0);
      expect(await page.locator('a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i], a[href^="file:" i]').count()).toBe(0);
      expect(await page.locator('a[href="https://docs.example.com/runbook"]').count()).toBe(1);

      // Poke at it: hover, click every link-like thing and table cell.
      for (const text of ['js link', 'JS mixed case', 'data link', 'raw anchor', 'hover me', 'entity link', 'x', 'click']) {
        const target = page.getByText(text, { exact: true }).first();
        if ((await target.count()) === 0) continue;
        await target.hover();
        await target.click();
      }
      // Let anything a click scheduled run before looking (there must be nothing).
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))');
      expect(dialogs).toEqual([]);
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(foreign).toEqual([]);
      expect(new URL(page.url()).origin).toBe(running.origin);
      await page.close();
    });
  });
});
