/**
 * The completion report as one printable page: what was run, by whom and
 * when, what it measured and decided, who signed, and the numbers that let
 * anyone check it (the journal's hash-chain head and the key that signs the
 * evidence bundle). Text comes from the report data only, drawn with the
 * cockpit's own components, never as HTML.
 */
import type { ReactNode } from 'react';
import { formatBytes, formatDuration, formatSeconds } from '../../../shared/format';
import type { ReportData, ReportItem, ReportPhase, ReportSignoff, ReportTeam } from '../../../shared/report-model';
import { TIMELINE_KIND_LABELS } from '../../../shared/timeline';
import { Heading } from '../features/checklist/blocks/Heading';
import { InlineText } from '../features/checklist/blocks/InlineText';
import { TickMeta } from '../features/checklist/blocks/TickMeta';
import { clockTime } from '../lib/format-time';
import { ReportGraph } from './ReportGraph';

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-01-01 10:00:07": on paper every time carries its date. */
export function stamp(iso: string | null): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${clockTime(at, true)}`;
}

/** "1a2b 3c4d …": a key's sha256 in groups of four, as people compare them. */
function fingerprint(hex: string): string {
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}

function timeZone(): string {
  const offset = -new Date().getTimezoneOffset();
  if (offset === 0) return 'UTC';
  const sign = offset > 0 ? '+' : '-';
  return `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/**
 * The widths of a table's columns (report.css, col.col-NAME). The tables
 * are laid out fixed: a column keeps its width whatever its longest token,
 * so a narrow column is never squeezed until a word like "fail" or
 * "captured" breaks inside.
 */
function Columns({ names }: { names: readonly string[] }) {
  return (
    <colgroup>
      {names.map((name) => (
        <col key={name} className={`col-${name}`} />
      ))}
    </colgroup>
  );
}

/**
 * Text with a no-break space between each number and its unit, so a line
 * never ends in "2.00" with the "%" starting the next.
 */
export function keepUnits(text: string): string {
  return text.replace(/(\d) (?=(?:%|ms|s|min|h|d|B|KiB|MiB|GiB|TiB)(?![\p{L}\d]))/gu, '$1\u00a0');
}

function Section({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <section className="report-section" id={id}>
      <Heading depth={2}>{title}</Heading>
      {children}
    </section>
  );
}

export function ReportView({ data }: { data: ReportData }) {
  const start = Date.parse(data.session.startedAt);
  const end = Date.parse(data.session.endedAt);
  return (
    <main className="report" data-testid="report">
      <header className="report-head">
        <p className="report-kind">Completion report</p>
        <h1 className="report-title">{data.title}</h1>
        <dl className="report-facts">
          <dt>Environment</dt>
          <dd>{data.environment ?? 'not named'}</dd>
          <dt>Runbook</dt>
          <dd>
            {data.runbook.name} <span className="hash">sha256 {data.runbook.sha256}</span>
          </dd>
          <dt>Session</dt>
          <dd>{data.session.id}</dd>
          <dt>Window</dt>
          <dd>
            {stamp(data.session.startedAt)} to {stamp(data.session.endedAt)} ({formatSeconds(data.session.durationSeconds)}){data.session.closed ? '' : ', session still open'}
          </dd>
          <dt>Items</dt>
          <dd>
            {data.items.checked} of {data.items.total} done
          </dd>
          <dt>Journal</dt>
          <dd>
            {data.chain.entries} entries, hash-chain head <span className="hash">{data.chain.head}</span>
          </dd>
          {data.team && (
            <>
              <dt>Team chain</dt>
              <dd>
                session {data.team.session} on {data.team.store}: {data.team.entries} entries, head <span className="hash">{data.team.head}</span>
              </dd>
            </>
          )}
          <dt>Report key</dt>
          <dd>
            <span className="hash" data-testid="report-key">
              {data.reportKey.fingerprint}
            </span>
          </dd>
          <dt>Generated</dt>
          <dd>
            {stamp(data.generatedAt)}
            {data.generatedBy ? ` by ${data.generatedBy}` : ''}; times in {timeZone()}
          </dd>
        </dl>
      </header>

      {data.team && <PeopleSection team={data.team} />}

      <Section title="Sign-off" id="signoffs">
        {data.signoffs.length === 0 ? (
          <p className="empty">The runbook asks for no sign-off and none was recorded.</p>
        ) : (
          <table className="report-table signoffs">
            <Columns names={['role', 'name', 'date', 'signature']} />
            <thead>
              <tr>
                <th>Role</th>
                <th>Name</th>
                <th>Date</th>
                <th>Signature</th>
              </tr>
            </thead>
            <tbody>
              {data.signoffs.map((row, i) => (
                <tr key={`${row.role}-${i}`}>
                  <td>
                    {row.role}
                    {row.line !== null && <span className="line-ref"> (line {row.line})</span>}
                  </td>
                  <td>{row.name ?? <span className="missing">not signed</span>}</td>
                  <td>{stamp(row.at)}</td>
                  <td>
                    <SignoffSignature row={row} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      {data.graphs.length > 0 && (
        <Section title="Metrics over the window" id="metrics">
          {data.graphs.map((graph) => (
            <ReportGraph key={graph.metric} graph={graph} thresholds={data.thresholds} markers={data.markers} start={start} end={end} />
          ))}
        </Section>
      )}

      {data.gates.length > 0 && (
        <Section title="Gate decisions" id="gates">
          {data.gates.map((gate, i) => (
            <div className="gate" key={`${gate.gateId}-${i}`}>
              <p className="gate-head">
                <strong className={`decision decision-${gate.decision}`}>{gate.decision.toUpperCase()}</strong> {gate.gateId} · {stamp(gate.at)} by {gate.by ?? 'unnamed operator'}
                {gate.reason && <span> · {gate.reason}</span>}
              </p>
              <table className="report-table criteria">
                <Columns names={['status', 'criterion', 'evidence']} />
                <tbody>
                  {gate.criteria.map((c, j) => (
                    <tr key={j}>
                      <td className={`status status-${c.status}`}>{c.status}</td>
                      <td>
                        {c.text}
                        {c.line !== null && <span className="line-ref"> (line {c.line})</span>}
                      </td>
                      <td>{keepUnits(c.evidence)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </Section>
      )}

      <Section title="Checklist" id="checklist">
        {data.phases.map((phase) => (
          <PhaseTable key={phase.id} phase={phase} />
        ))}
      </Section>

      {data.actions.length > 0 && (
        <Section title="Actions: flags, commands, backups, rollback steps" id="actions">
          <table className="report-table actions">
            <Columns names={['when', 'action', 'outcome', 'took']} />
            <thead>
              <tr>
                <th>Started</th>
                <th>Action</th>
                <th>Outcome</th>
                <th>Took</th>
              </tr>
            </thead>
            <tbody>
              {data.actions.map((action) => (
                <tr key={action.actionId}>
                  <td className="when">{stamp(action.startedAt)}</td>
                  <td>
                    <span className="kind">{action.kind}</span> {action.title}
                    {action.by && <span className="by"> · {action.by}</span>}
                    {action.inputs.length > 0 && <div className="inputs">{action.inputs.map(([k, v]) => `${k}: ${v}`).join(' · ')}</div>}
                    {action.readBack && <div className="inputs">read back: {action.readBack}</div>}
                    {action.output && <pre className="output">{action.outputTruncated ? `…${action.output}` : action.output}</pre>}
                  </td>
                  <td className={`outcome outcome-${action.outcome}`}>
                    {action.outcome}: {keepUnits(action.message)}
                    {action.settled && (
                      <div>
                        settled {action.settled.outcome} at {stamp(action.settled.at)}: {action.settled.message}
                      </div>
                    )}
                  </td>
                  <td className="when">{action.durationMs === null ? '—' : formatDuration(action.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}

      {data.backups.length > 0 && (
        <Section title="Backups" id="backups">
          <table className="report-table backups">
            <Columns names={['when', 'backup']} />
            <thead>
              <tr>
                <th>Verified</th>
                <th>Backup and checksums</th>
              </tr>
            </thead>
            <tbody>
              {data.backups.map((b, i) => (
                <tr key={i}>
                  <td className="when">{stamp(b.at)}</td>
                  <td>
                    {b.name} ({b.engine}), {b.files} files, {formatBytes(b.bytes)}{b.by ? ` · ${b.by}` : ''}
                    <div className="hash">manifest sha256 {b.manifestSha256}</div>
                    <div className="inputs">{b.location}</div>
                    {b.checks.length > 0 && <div className="inputs">{b.checks.join(' · ')}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}

      {data.rollbacks.length > 0 && (
        <Section title="Rollbacks" id="rollbacks">
          <table className="report-table rollbacks">
            <Columns names={['when', 'plan', 'outcome']} />
            <tbody>
              {data.rollbacks.map((r) => (
                <tr key={r.runId}>
                  <td className="when">{stamp(r.startedAt)}</td>
                  <td>
                    Plan {r.plan} ({r.steps.join(' → ')}), confirmed by {r.confirmation}
                    {r.by ? `, ${r.by}` : ''}
                  </td>
                  <td className={`outcome outcome-${r.outcome}`}>
                    {r.outcome}: {r.message}
                    {r.pressToVerifiedMs !== null && <div>press to verified: {formatDuration(r.pressToVerifiedMs)}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}

      {data.events.length > 0 && (
        <Section title="Other events" id="events">
          <table className="report-table events">
            <Columns names={['when', 'kind', 'text']} />
            <tbody>
              {data.events.map((e, i) => (
                <tr key={i}>
                  <td className="when">{stamp(e.at)}</td>
                  <td className="event-kind">{e.kind}</td>
                  <td>
                    {keepUnits(e.text)}
                    {e.by && <span className="by"> · {e.by}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}

      {data.timeline.length > 0 && (
        <Section title="Timeline" id="timeline">
          <table className="report-table timeline" data-testid="report-timeline">
            <Columns names={['when', 'kind', 'text']} />
            <thead>
              <tr>
                <th>When</th>
                <th>Kind</th>
                <th>What happened</th>
              </tr>
            </thead>
            <tbody>
              {data.timeline.map((e) => (
                <tr key={e.seq}>
                  <td className="when">{stamp(e.at)}</td>
                  <td className="event-kind">{TIMELINE_KIND_LABELS[e.kind]}</td>
                  <td>
                    {keepUnits(e.title)}
                    {e.by && <span className="by"> · {e.by}</span>}
                    {e.detail && <div className="inputs">{keepUnits(e.detail)}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}

      <Section title="How to check this report" id="verify">
        <p>
          This PDF carries a digital signature; the evidence bundle beside it (<code>.bundle.json</code>) is signed with the report key{' '}
          <span className="hash">{data.reportKey.fingerprint}</span> and names this PDF by its sha256. Run <code>flightdeck verify</code> on the PDF, the bundle or the session directory:
          it checks both signatures and that the journal still hashes to <span className="hash">{data.chain.head}</span> over {data.chain.entries} entries.
        </p>
      </Section>
    </main>
  );
}

/**
 * A sign-off's signature: in a team session, the member key whose signature
 * in the team chain carries it (made on the signer's own laptop); else the
 * signer's own key, or who typed it in.
 */
function SignoffSignature({ row }: { row: ReportSignoff }) {
  if (row.name === null) return <>—</>;
  const own = row.keyFingerprint ? <span className="hash">own key {fingerprint(row.keyFingerprint)}</span> : null;
  if (row.teamKeyFingerprint) {
    // The member key is usually the signer's own key too; then it is named once.
    const other = row.keyFingerprint !== null && fingerprint(row.keyFingerprint) !== row.teamKeyFingerprint;
    return (
      <>
        signed in the team chain by {row.recordedBy ?? 'an unnamed member'}&apos;s key <span className="hash">{row.teamKeyFingerprint}</span>
        {other && <>; {own}</>}
      </>
    );
  }
  return own ?? <>recorded by {row.recordedBy ?? 'unnamed operator'}</>;
}

/** Everyone who wrote into a team session's chain, with the key that signs their entries. */
function PeopleSection({ team }: { team: ReportTeam }) {
  return (
    <Section title="People" id="people">
      <p>
        Every entry below was signed by its author&apos;s own key on their own laptop and checked before it was shown.
        {team.unshared > 0 && ` ${team.unshared} ${team.unshared === 1 ? 'entry' : 'entries'} recorded on this laptop ${team.unshared === 1 ? 'is' : 'are'} not yet shared with the team and marked "not yet shared".`}
        {team.refused > 0 && ` ${team.refused} ${team.refused === 1 ? 'row' : 'rows'} of the team chain failed their check and ${team.refused === 1 ? 'is' : 'are'} left out (flightdeck verify names them).`}
      </p>
      <table className="report-table people">
        <Columns names={['member', 'key', 'entries']} />
        <thead>
          <tr>
            <th>Member</th>
            <th>Key fingerprint</th>
            <th>Entries</th>
          </tr>
        </thead>
        <tbody>
          {team.members.map((member) => (
            <tr key={member.keyid}>
              <td>{member.name}</td>
              <td>
                <span className="hash">{member.fingerprint}</span>
              </td>
              <td>{member.entries}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

function PhaseTable({ phase }: { phase: ReportPhase }) {
  return (
    <div className="phase">
      <Heading depth={3}>
        {phase.title} <span className="phase-count">({phase.checked} of {phase.items.length})</span>
      </Heading>
      {phase.items.length === 0 ? (
        <p className="empty">No checklist items.</p>
      ) : (
        <table className="report-table checklist">
          <Columns names={['box', 'text', 'who']} />
          <tbody>
            {phase.items.map((item) => (
              <ItemRow key={item.id} item={item} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ItemRow({ item }: { item: ReportItem }) {
  return (
    <tr className={item.checked ? 'item done' : 'item open'} data-item={item.id}>
      <td className="box">{item.checked ? '☑' : '☐'}</td>
      <td className={`text depth-${Math.min(item.depth, 4)}`}>
        <InlineText nodes={item.inline} />
        {item.notes.map((note, i) => (
          <div className="note" key={i}>
            Note{note.by ? ` by ${note.by}` : ''}, {stamp(note.at)}: {note.text}
          </div>
        ))}
        {item.evidence.map((ev, i) => (
          <div className={`evidence outcome-${ev.outcome}`} key={i}>
            {ev.kind} · {ev.title} · {ev.outcome}: {ev.detail}
          </div>
        ))}
      </td>
      <td className="who">{item.tick ? <TickMeta by={item.tick.by} at={item.tick.at} dated /> : item.checked ? 'ticked in the file' : ''}</td>
    </tr>
  );
}
