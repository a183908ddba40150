/**
 * The completion report's PDF in the desktop app: the same print view and
 * data as in browser mode, printed by Electron's own Chromium with
 * printToPDF. A hidden, sandboxed window in a private in-memory session
 * whose http requests are all answered by answerReportRequest (the built
 * renderer files and report-data.json from memory, nothing else), so the
 * page has an origin to fetch its data from and no network is touched.
 * Thin on purpose: everything it calls is tested in browser mode.
 */
import { randomUUID } from 'node:crypto';
import { BrowserWindow, session } from 'electron';
import { FlightdeckError } from '../../shared/errors';
import type { ReportData } from '../../shared/report-model';
import { printOptions } from '../services/report/print-options';
import type { ReportPdfRenderer } from '../services/report/render-pdf';
import { answerReportRequest, REPORT_URL } from '../services/report/report-page';
import { guardWebContents } from './window';

const MM_PER_INCH = 25.4;

export class ElectronReportPrinter implements ReportPdfRenderer {
  constructor(
    private readonly rendererDir: string,
    private readonly timeoutMs = 60_000,
  ) {}

  async render(data: ReportData): Promise<Uint8Array> {
    // Not "persist:": the session lives in memory and is gone with the window.
    const ses = session.fromPartition(`flightdeck-report-${randomUUID()}`);
    const json = JSON.stringify(data);
    ses.protocol.handle('http', async (request) => {
      const answer = await answerReportRequest(request.url, this.rendererDir, json);
      if (!answer) return new Response(null, { status: 403 });
      return new Response(new Uint8Array(answer.body), { status: answer.status, headers: { 'content-type': answer.contentType } });
    });
    const window = new BrowserWindow({ show: false, webPreferences: { session: ses, sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false } });
    guardWebContents(window.webContents, REPORT_URL);
    try {
      await window.loadURL(REPORT_URL);
      const deadline = Date.now() + this.timeoutMs;
      for (;;) {
        const state = (await window.webContents.executeJavaScript("document.body.dataset.reportError ?? (document.body.dataset.reportReady === 'true' ? '' : null)")) as string | null;
        if (state === '') break;
        if (state !== null) throw new FlightdeckError('internal', `The print view could not draw the report: ${state}`);
        if (Date.now() > deadline) throw new FlightdeckError('timeout', `The print view did not finish drawing within ${this.timeoutMs / 1000} s.`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const options = printOptions(data);
      const inches = (css: string) => (Number.parseFloat(css) || 0) / MM_PER_INCH;
      const pdf = await window.webContents.printToPDF({
        pageSize: options.format,
        displayHeaderFooter: options.displayHeaderFooter,
        headerTemplate: options.headerTemplate,
        footerTemplate: options.footerTemplate,
        printBackground: options.printBackground,
        margins: { top: inches(options.margin.top), bottom: inches(options.margin.bottom), left: inches(options.margin.left), right: inches(options.margin.right) },
      });
      return new Uint8Array(pdf);
    } finally {
      window.destroy();
      ses.protocol.unhandle('http');
    }
  }
}
