/**
 * The report as a PDF, drawn by Chromium from the print view (the
 * renderer's report.html) in browser mode and on the CLI: playwright-core
 * drives the Debian Chromium, never a downloaded browser. Every request the
 * page makes is answered from memory by page.route: the built renderer
 * files from disk and report-data.json from the report; anything else is
 * refused, so rendering needs no server and touches no network.
 *
 * The Electron shell renders the same page with printToPDF instead
 * (electron/report-printer.ts); both implement ReportPdfRenderer, which is
 * all export-report.ts sees.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Route } from 'playwright-core';
import { FlightdeckError } from '../../../shared/errors';
import type { ReportData } from '../../../shared/report-model';
import { printOptions } from './print-options';
import { answerReportRequest, REPORT_PAGE, REPORT_URL } from './report-page';

export interface ReportPdfRenderer {
  render(data: ReportData): Promise<Uint8Array>;
  /** Starts what render needs (a browser) while the caller is still building the data. */
  warmUp?(): void;
}

export const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ChromiumRendererOptions {
  /** The built renderer (out/renderer), holding report.html and its assets. */
  rendererDir: string;
  executablePath?: string;
  /** For launching, loading and drawing, each. */
  timeoutMs?: number;
}

export class ChromiumReportRenderer implements ReportPdfRenderer {
  private readonly executablePath: string;
  private readonly timeoutMs: number;
  private readonly root: string;
  private warm: Promise<Browser> | null = null;
  private warmTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ChromiumRendererOptions) {
    // Debian's Chromium unless CHROMIUM_PATH names another (the same rule as the tests); never a downloaded browser.
    this.executablePath = options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.root = resolve(options.rendererDir);
  }

  async render(data: ReportData): Promise<Uint8Array> {
    const page = join(this.root, REPORT_PAGE);
    try {
      await readFile(page);
    } catch {
      this.dropWarm();
      throw new FlightdeckError('not-found', 'The report print view is not built: run `npx electron-vite build`.', { file: page });
    }
    const browser = await (this.warm ?? this.launch());
    this.warm = null;
    if (this.warmTimer) clearTimeout(this.warmTimer);
    try {
      // UTC, so a report reads the same wherever it was exported; the page says which zone it used.
      const context = await browser.newContext({ timezoneId: 'UTC', serviceWorkers: 'block' });
      const tab = await context.newPage();
      tab.setDefaultTimeout(this.timeoutMs);
      const pageErrors: string[] = [];
      tab.on('pageerror', (error) => pageErrors.push(error.message));
      const json = JSON.stringify(data);
      await tab.route('**/*', (route) => this.answer(route, json));
      await tab.goto(REPORT_URL);
      // A selector, not a predicate: the page's CSP forbids the eval a polled predicate would need.
      await tab.waitForSelector('body[data-report-ready="true"], body[data-report-error]', { state: 'attached' }).catch((error: unknown) => {
        const why = pageErrors.length > 0 ? pageErrors.join('; ') : error instanceof Error ? error.message.split('\n')[0] : String(error);
        throw new FlightdeckError('timeout', `The print view did not finish drawing: ${why}`);
      });
      const problem = await tab.getAttribute('body', 'data-report-error');
      if (problem !== null) throw new FlightdeckError('internal', `The print view could not draw the report: ${problem}`);
      return new Uint8Array(await tab.pdf(printOptions(data)));
    } finally {
      // Not awaited: Chromium takes a while to exit and the PDF is already in hand; the process still reaps it.
      void browser.close().catch(() => undefined);
    }
  }

  warmUp(): void {
    if (this.warm) return;
    this.warm = this.launch();
    // A launch that fails is reported by the render that uses it.
    this.warm.catch(() => undefined);
    // A browser nobody claims (the export failed before rendering) does not outlive a minute.
    this.warmTimer = setTimeout(() => this.dropWarm(), 60_000);
    this.warmTimer.unref();
  }

  private dropWarm(): void {
    const warm = this.warm;
    this.warm = null;
    if (this.warmTimer) clearTimeout(this.warmTimer);
    void warm?.then((browser) => browser.close()).catch(() => undefined);
  }

  private launch(): Promise<Browser> {
    const args = [...CHROMIUM_ARGS, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
    return chromium.launch({ executablePath: this.executablePath, args, timeout: this.timeoutMs }).catch((error: unknown) => {
      throw new FlightdeckError('internal', `Chromium did not start (${this.executablePath}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    });
  }

  private async answer(route: Route, json: string): Promise<void> {
    const answer = await answerReportRequest(route.request().url(), this.root, json);
    if (!answer) return route.abort('blockedbyclient');
    return route.fulfill({ status: answer.status, contentType: answer.contentType, body: answer.body });
  }
}
