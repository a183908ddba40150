/**
 * The print view's entry: fetches report-data.json from its own origin
 * (main serves it from memory; there is no inline data and the CSP stays
 * strict), checks it against the report schema, draws it, and marks the
 * page ready (or failed, with the reason) for the PDF renderer to wait on.
 */
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { ReportDataSchema } from '../../../shared/report-model';
import { ReportView } from './ReportView';
import './report.css';

async function load(): Promise<void> {
  const root = document.getElementById('report');
  if (!root) throw new Error('report.html has no #report element.');
  try {
    const response = await fetch('report-data.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`report-data.json: HTTP ${response.status}`);
    const data = ReportDataSchema.parse(await response.json());
    document.documentElement.classList.add(`paper-${data.paper}`);
    document.title = `${data.title}: completion report`;
    flushSync(() => createRoot(root).render(<ReportView data={data} />));
    await document.fonts.ready;
    // Two frames: recharts lays its charts out after the first commit.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    document.body.dataset.reportReady = 'true';
  } catch (error) {
    root.textContent = `The report could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
    document.body.dataset.reportError = error instanceof Error ? error.message : String(error);
  }
}

void load();
