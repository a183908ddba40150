/**
 * A block of NAME=value lines in the checklist is a list of variables to
 * verify, not a command: no Copy-to-terminal, no command card, and a live
 * key written in the runbook is never shown (issue 15, scope 5). The real
 * renderer in Chromium, through browser mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tempDir } from '../support/app';
import { launchChromium, openCockpit, startBrowserMode } from '../support/browser-mode';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const RUNBOOK = [
  '# Env Runbook',
  '',
  '## Prepare',
  '',
  '- [ ] **Production environment variables configured**',
  '  ```bash',
  '  # Verify these exist in production',
  '  NODE_ENV=production',
  '  STRIPE_SECRET_KEY=sk_live_51HxYzSecretValue',
  '  REDIS_URL=redis://:hunter2@cache:6379',
  '  ```',
  '- [ ] Restart',
  '  ```bash',
  '  railway restart',
  '  ```',
  '',
].join('\n');

describe('environment variable blocks', () => {
  it('are shown as variables to verify, secret values masked, and the command block beside them stays a code block', async () => {
    const data = tempDir();
    const running = await startBrowserMode(['--data-dir', data.path]);
    try {
      const page = await openCockpit(browser, running, { viewport: { width: 1280, height: 800 } });
      await page.getByTestId('open-file-input').setInputFiles({ name: 'env.md', mimeType: 'text/markdown', buffer: Buffer.from(RUNBOOK) });
      await expect.poll(() => page.textContent('[data-testid="runbook-title"]')).toBe('Env Runbook');
      const listing = page.getByTestId('env-listing');
      await expect.poll(() => listing.count()).toBe(1);
      const rows = listing.getByTestId('env-variable');
      expect(await rows.allTextContents()).toEqual(['NODE_ENVproduction', 'STRIPE_SECRET_KEY••••••', 'REDIS_URL••••••']);
      expect(await listing.getByTestId('copy-code').count()).toBe(0);
      const body = (await page.textContent('body')) ?? '';
      expect(body).not.toContain('sk_live_51HxYzSecretValue');
      expect(body).not.toContain('hunter2');
      // The restart line is still a code block with its Copy button.
      expect(await page.getByTestId('copy-code').count()).toBe(1);
      await page.close();
    } finally {
      await running.stop();
      data.remove();
    }
  });
});
