/**
 * What the parser noticed (repaired text, raw HTML shown as text, links not
 * opened...), grouped by kind, collapsed so it stays out of the way until
 * asked for. Within a kind, warnings that say the same thing are listed
 * once with all their line numbers: seventeen repaired lines read as one
 * sentence and seventeen numbers, not seventeen sentences.
 */
import { useMemo } from 'react';
import type { RunbookWarning } from '../../../../shared/runbook-model';

const LABELS: Record<RunbookWarning['code'], string> = {
  mojibake: 'Garbled text repaired',
  html: 'Raw HTML shown as text',
  'unsafe-link': 'Links not opened',
  image: 'Images not loaded',
  'duplicate-item': 'Duplicate items',
  encoding: 'Encoding',
  'read-only': 'Read-only',
};

/** A runbook can carry thousands of warnings; a message lists this many line numbers. */
const LINES_SHOWN = 40;

interface Group {
  code: RunbookWarning['code'];
  count: number;
  messages: Array<{ message: string; lines: number[] }>;
}

function groupWarnings(warnings: readonly RunbookWarning[]): Group[] {
  const byCode = new Map<RunbookWarning['code'], Group & { byMessage: Map<string, number[]> }>();
  for (const warning of warnings) {
    let group = byCode.get(warning.code);
    if (!group) byCode.set(warning.code, (group = { code: warning.code, count: 0, messages: [], byMessage: new Map() }));
    group.count++;
    let lines = group.byMessage.get(warning.message);
    if (!lines) {
      group.byMessage.set(warning.message, (lines = []));
      group.messages.push({ message: warning.message, lines });
    }
    if (warning.line !== null) lines.push(warning.line);
  }
  return [...byCode.values()].map(({ code, count, messages }) => ({ code, count, messages }));
}

export function WarningsList({ warnings }: { warnings: readonly RunbookWarning[] }) {
  const groups = useMemo(() => groupWarnings(warnings), [warnings]);
  return (
    <section className="warnings" data-testid="warnings" aria-labelledby="warnings-title">
      <h2 id="warnings-title" className="side-title">
        Warnings <span className="count">{warnings.length}</span>
      </h2>
      {groups.map((group) => (
        <details key={group.code} className="warning-group" data-code={group.code}>
          <summary>
            <span className="warning-label">{LABELS[group.code] ?? group.code}</span>
            <span className="count">{group.count}</span>
          </summary>
          <ul>
            {group.messages.map(({ message, lines }) => (
              <li key={message} className="warning">
                <span className="warning-message">{message}</span>
                {lines.length > 0 && (
                  <span className="warning-lines">
                    {lines.length === 1 ? 'line ' : 'lines '}
                    {lines.slice(0, LINES_SHOWN).join(', ')}
                    {lines.length > LINES_SHOWN && ` …and ${lines.length - LINES_SHOWN} more`}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </details>
      ))}
    </section>
  );
}
