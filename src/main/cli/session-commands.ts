/**
 * `flightdeck session new|tick|untick|note|status`: a session driven from a
 * terminal, with the same journal, the same ids and the same durability as
 * the app. A session open in the app is locked; status reads without the
 * lock, so it works while the app flies the session.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_FILE, readJournalFile } from '../services/journal/journal';
import { isJoined } from '../services/team/team-config';
import { teamStatus, type TeamStatus } from '../services/team/team-status';
import { FlightdeckError } from '../../shared/errors';
import type { RunbookDoc, TaskItem } from '../../shared/runbook-model';
import { isChecked, type SessionState } from '../../shared/session-model';
import type { LoadedRunbook, RunbookLoader } from '../services/runbook/runbook-loader';
import { Session, runbookRef } from '../services/session/session';
import { EXIT, json, type Io } from './io';
import type { JournalDamage, Recovery } from '../services/journal/journal';

/** The session's runbook: the file when it is still there, else the copy kept in the session. */
async function loadSessionRunbook(loader: RunbookLoader, session: Session): Promise<{ runbook: LoadedRunbook; fromFile: boolean }> {
  const path = session.state.runbook.path;
  if (path && existsSync(path)) return { runbook: await loader.loadFile(path, 'file', path), fromFile: true };
  return { runbook: await loader.loadText(session.state.runbook.name, session.readRunbookCopy()), fromFile: false };
}

function findItem(doc: RunbookDoc, itemId: string, file: string): TaskItem {
  const item = doc.items.find((candidate) => candidate.id === itemId);
  if (item) return item;
  const near = doc.items.filter((candidate) => candidate.id.startsWith(itemId.split('-').slice(0, 2).join('-'))).slice(0, 3);
  const hint = near.length > 0 ? ` Did you mean ${near.map((n) => n.id).join(', ')}?` : ' `flightdeck parse --json` lists the ids.';
  throw new FlightdeckError('not-found', `has no item "${itemId}".${hint}`, { file });
}

async function withSession<T>(loader: RunbookLoader, dir: string, by: string, work: (session: Session, doc: RunbookDoc) => T): Promise<T> {
  const session = Session.open(dir);
  try {
    const { runbook, fromFile } = await loadSessionRunbook(loader, session);
    if (fromFile) session.recordRunbook(runbookRef(runbook.doc), runbook.text, by);
    return work(session, runbook.doc);
  } finally {
    session.close();
  }
}

export async function sessionNew(loader: RunbookLoader, runbookPath: string, dir: string, by: string, io: Io): Promise<void> {
  const { doc, text } = await loader.loadFile(runbookPath, 'file', runbookPath);
  const session = Session.create(dir, runbookRef(doc), text, by);
  const id = session.state.id;
  session.close();
  io.out(`Session ${id} started in ${dir}: "${doc.title}", ${doc.stats.items} items.\nTick an item: flightdeck session tick ${dir} ITEM_ID --by NAME (ids: flightdeck parse ${runbookPath} --json)`);
}

export async function sessionTick(loader: RunbookLoader, dir: string, itemId: string, checked: boolean, by: string, io: Io): Promise<void> {
  await withSession(loader, dir, by, (session, doc) => {
    const item = findItem(doc, itemId, doc.source.path ?? doc.source.name);
    const entry = session.tick(item.id, checked, item.text, by);
    io.out(`${checked ? 'Ticked' : 'Unticked'} "${item.text}" by ${by} (journal entry ${entry.seq}).`);
  });
}

export async function sessionNote(loader: RunbookLoader, dir: string, itemId: string, text: string, by: string, io: Io): Promise<void> {
  if (text.trim() === '') throw new FlightdeckError('bad-input', 'A note needs some text.', { field: 'TEXT' });
  await withSession(loader, dir, by, (session, doc) => {
    const item = findItem(doc, itemId, doc.source.path ?? doc.source.name);
    const entry = session.note(item.id, text, item.text, by);
    io.out(`Noted on "${item.text}" by ${by} (journal entry ${entry.seq}).`);
  });
}

export function statusReport(state: SessionState, dir: string, doc: RunbookDoc) {
  const items = doc.items.map((item) => {
    const tick = state.ticks[item.id];
    return {
      id: item.id,
      text: item.text,
      phaseId: item.phaseId,
      line: item.line,
      checked: isChecked(state, item.id, item.checked),
      by: tick?.by ?? null,
      at: tick?.at ?? null,
      notes: state.notes[item.id] ?? [],
    };
  });
  return {
    session: { id: state.id, dir, startedAt: state.startedAt, updatedAt: state.updatedAt, closedAt: state.closedAt, entries: state.entries, head: state.head, runbook: state.runbook },
    progress: { items: items.length, checked: items.filter((i) => i.checked).length },
    phases: doc.phases.map((phase) => {
      const inPhase = items.filter((i) => i.phaseId === phase.id);
      return { id: phase.id, title: phase.title, items: inPhase.length, checked: inPhase.filter((i) => i.checked).length };
    }),
    items,
  };
}

/** What is wrong with the journal, in the words the app shows too. */
function journalWarnings(recovered: Recovery | null, damage: JournalDamage | null): string[] {
  const warnings: string[] = [];
  if (recovered) {
    warnings.push(`the journal ends in an unfinished line (line ${recovered.line}, ${recovered.bytes} bytes: a write cut short by a crash); it is not counted, and the next writer drops it`);
  }
  if (damage) {
    warnings.push(`the journal is damaged: ${damage.message}; the state below stops before that line, and the session is read-only until the journal is restored (nothing was repaired or cut)`);
  }
  return warnings;
}

/**
 * Prints the session's state, with what is wrong with its journal on stderr;
 * exit status 2 (bad input, as any refused file) when the journal is damaged:
 * the state shown then stops before the damaged line.
 */
export async function sessionStatus(loader: RunbookLoader, dir: string, asJson: boolean, io: Io): Promise<number> {
  const { state, recovered, damage } = Session.inspect(dir);
  const runbook = await loader.loadText(state.runbook.name, Session.readRunbookCopyFrom(dir));
  const report = statusReport(state, dir, runbook.doc);
  const warnings = journalWarnings(recovered, damage);
  const team = isJoined(dir) ? teamStatus(dir, readJournalFile(join(dir, JOURNAL_FILE)).entries) : null;
  for (const refusal of team?.refused ?? []) warnings.push(`refused from the team store: ${refusal.message}`);
  const status = damage || (team?.refused.length ?? 0) > 0 ? EXIT.badInput : EXIT.ok;
  for (const warning of warnings) io.err(`warning: ${warning}`);
  if (asJson) {
    io.out(json({ ...report, journal: { tornTail: recovered, damage }, team }));
    return status;
  }
  const lines = [
    `Session ${state.id}${state.closedAt ? ` (finished ${state.closedAt})` : ''}`,
    `  runbook: ${state.runbook.title} (${state.runbook.path ?? state.runbook.name})`,
    `  started ${state.startedAt}, ${state.entries} journal entries, chain head ${state.head.slice(0, 16)}…`,
    `  progress: ${report.progress.checked}/${report.progress.items} items done`,
    '',
    ...report.phases.map((p) => `  ${p.checked === p.items && p.items > 0 ? '✓' : ' '} ${p.title}: ${p.checked}/${p.items}`),
  ];
  const done = report.items.filter((i) => i.by !== null).sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '')).slice(-10);
  if (done.length > 0) {
    lines.push('', 'Latest ticks');
    for (const item of done) lines.push(`  ${item.at} ${item.by}: ${item.checked ? 'ticked' : 'unticked'} "${item.text}"`);
  }
  if (team) lines.push('', ...teamLines(team));
  io.out(lines.join('\n'));
  return status;
}

/** The team part of the status: members, what this laptop has not shared yet, and the chain it holds. */
function teamLines(team: TeamStatus): string[] {
  return [
    `Team session ${team.session} at ${team.store}, as ${team.you.name}`,
    ...team.members.map((m) => `  ${m.name} (key ${m.key.slice(0, 8)}…): ${m.entries} entries${m.lastAt ? `, last at ${m.lastAt}` : ''}`),
    `  ${team.entries} entries in this laptop's copy of the team chain; ${team.unshared.length === 0 ? 'everything recorded here is shared' : `${team.unshared.length} recorded here not yet shared (journal entries ${team.unshared.join(', ')})`}`,
  ];
}
