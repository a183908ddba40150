/**
 * Page setup shared by both ways the report becomes a PDF (playwright's
 * page.pdf in browser mode and the CLI, Electron's printToPDF on the
 * desktop): paper size, margins, and a header with the title and
 * environment and a footer with page X of Y on every page. Chromium fills
 * the header and footer templates itself; their text is escaped here,
 * since a runbook title is data and the templates are HTML.
 */
import type { PaperSize, ReportData } from '../../../shared/report-model';

export interface PrintOptions {
  format: 'A4' | 'Letter';
  displayHeaderFooter: true;
  headerTemplate: string;
  footerTemplate: string;
  printBackground: true;
  /** CSS lengths, as page.pdf takes them. */
  margin: { top: string; bottom: string; left: string; right: string };
}

export const PAPER_FORMAT: Record<PaperSize, PrintOptions['format']> = { a4: 'A4', letter: 'Letter' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Chromium draws the templates at a tiny default size and without the page's styles.
const STYLE = 'font-size:8px;font-family:sans-serif;color:#555;width:100%;padding:0 14mm;display:flex;justify-content:space-between;';

export function printOptions(data: Pick<ReportData, 'title' | 'environment' | 'paper' | 'session'>): PrintOptions {
  const title = escapeHtml(data.title.length > 90 ? `${data.title.slice(0, 89)}…` : data.title);
  const environment = escapeHtml(data.environment ?? 'environment not named');
  return {
    format: PAPER_FORMAT[data.paper],
    displayHeaderFooter: true,
    headerTemplate: `<div style="${STYLE}"><span>${title}</span><span>${environment}</span></div>`,
    footerTemplate: `<div style="${STYLE}"><span>Flightdeck completion report · session ${escapeHtml(data.session.id)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
    printBackground: true,
    margin: { top: '18mm', bottom: '16mm', left: '0', right: '0' },
  };
}
