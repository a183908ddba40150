/**
 * What a team session's report is built from (team-report-source.ts), and
 * what buildReport makes of it: the merged chain in chain order with each
 * entry by the member whose key signed it, this laptop's unshared entries
 * marked, tampered rows left out, and the session and the signed journal
 * coverage still this laptop's own (so verify's journal check is unchanged).
 * The replica is written as the sync writes it, with real Ed25519 keys; no
 * store is needed to read it back.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/main/services/report/build-report';
import { parseRunbook } from '../../src/main/services/runbook/parse';
import { decodeSource } from '../../src/main/services/runbook/source-text';
import { Session, runbookRef } from '../../src/main/services/session/session';
import { ed25519FromPrivatePem, formatFingerprint, newEd25519PrivatePem, type Ed25519Key } from '../../src/main/services/signing/ed25519';
import { writeTeamConfig } from '../../src/main/services/team/team-config';
import { joinEntry, sealTeamEntry, type TeamEntry, type UnsignedTeamEntry } from '../../src/main/services/team/team-entry';
import { ReplicaWriter } from '../../src/main/services/team/team-replica';
import { reportEntries } from '../../src/main/services/team/team-report-source';
import { GENESIS_HASH, type JournalEntry } from '../../src/shared/session-model';
import { tempDir } from '../support/app';

const RUNBOOK = `# Shop release

## Pre-Deployment

- [ ] Backup database
- [ ] Run smoke test

## Sign-Off

**Engineering Lead**: _________ Date: _____
`;
const TEAM = 'window-1';

function doc() {
  const source = decodeSource(Buffer.from(RUNBOOK), 'shop.md');
  return parseRunbook(source.text, { name: 'shop.md', path: null, origin: 'import', sha256: source.sha256, bytes: source.bytes, lines: 12, writable: false });
}

/** The merged chain as the store would order it: each row sealed by its author at its place. */
class Chain {
  readonly rows: TeamEntry[] = [];
  private prev = GENESIS_HASH;

  join(key: Ed25519Key, name: string): void {
    this.add(joinEntry(TEAM, key, name, new Date().toISOString()), key);
  }

  share(key: Ed25519Key, name: string, entry: JournalEntry): void {
    this.add({ session: TEAM, author: key.keyid, name, origin: entry.seq, ts: entry.ts, type: entry.type, by: entry.by, data: entry.data }, key);
  }

  private add(entry: Omit<UnsignedTeamEntry, 'seq' | 'prev'>, key: Ed25519Key): void {
    const sealed = sealTeamEntry({ ...entry, seq: this.rows.length, prev: this.prev }, key);
    this.rows.push(sealed);
    this.prev = sealed.hash;
  }
}

describe('reportEntries and buildReport for a team session', () => {
  const dirs: Array<{ remove: () => void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  function laptop(name: string) {
    const dir = tempDir(`flightdeck-team-report-${name}-`);
    dirs.push(dir);
    const d = doc();
    return { d, session: Session.create(join(dir.path, 's'), runbookRef(d), RUNBOOK, name), key: ed25519FromPrivatePem(newEd25519PrivatePem()) };
  }

  function joined(ada: ReturnType<typeof laptop>) {
    writeTeamConfig(ada.session.dir, { session: TEAM, store: { url: 'postgres://flightdeck@127.0.0.1:5432/postgres', ssl: 'disable', caFile: null, secret: 'team-store' }, member: { name: 'Ada', key: ada.key.keyid } });
  }

  function keep(sessionDir: string, rows: readonly unknown[]) {
    const writer = new ReplicaWriter(sessionDir);
    writer.append(rows);
    writer.close();
  }

  it("reports everyone's shared entries by their signing member, then this laptop's unshared ones marked; the signed coverage stays this laptop's journal", () => {
    const ada = laptop('ada');
    const bob = laptop('bob');
    const [backup, smoke] = ada.d.items;
    ada.session.tick(backup!.id, true, backup!.text, 'ada-on-her-laptop');
    bob.session.tick(smoke!.id, true, smoke!.text, 'bob');
    bob.session.record('signoff.recorded', 'bob', { signoffId: ada.d.signoffs[0]!.id, role: 'Engineering Lead', name: 'Bob', publicKey: null });
    const chain = new Chain();
    chain.join(ada.key, 'Ada');
    chain.join(bob.key, 'Bob');
    for (const entry of ada.session.entries()) chain.share(ada.key, 'Ada', entry);
    for (const entry of bob.session.entries()) chain.share(bob.key, 'Bob', entry);
    joined(ada);
    keep(ada.session.dir, chain.rows);
    // After the last share: only on Ada's laptop.
    ada.session.note(backup!.id, 'restore tested', backup!.text, 'Ada');

    const source = reportEntries(ada.session.dir, ada.session.entries());
    expect(source.entries.map((e) => [e.type, e.by])).toEqual([
      ['session.started', 'Ada'],
      ['item.ticked', 'Ada'],
      ['session.started', 'Bob'],
      ['item.ticked', 'Bob'],
      ['signoff.recorded', 'Bob'],
      ['item.noted', 'Ada (not yet shared)'],
    ]);
    expect(new Set(source.entries.map((e) => e.seq)).size).toBe(source.entries.length);
    expect(source.team).toMatchObject({
      session: TEAM,
      store: '127.0.0.1:5432/postgres',
      entries: chain.rows.length,
      head: chain.rows.at(-1)!.hash,
      unshared: 1,
      refused: 0,
      members: [
        { name: 'Ada', keyid: ada.key.keyid, fingerprint: formatFingerprint(ada.key.keyid), entries: 2 },
        { name: 'Bob', keyid: bob.key.keyid, fingerprint: formatFingerprint(bob.key.keyid), entries: 3 },
      ],
    });

    const data = buildReport({
      doc: ada.d,
      entries: source.entries,
      local: source.local,
      team: source.team,
      authorKeyOf: source.authorKeyOf,
      metrics: [],
      environment: null,
      reportKey: { keyid: 'ab'.repeat(32), fingerprint: 'abab …' },
      paper: 'a4',
      generatedAt: new Date().toISOString(),
      generatedBy: 'Ada',
      redactor: { redactDeep: (value) => value },
    });
    const [backupRow, smokeRow] = data.phases[0]!.items;
    expect(smokeRow!.tick?.by).toBe('Bob');
    expect(backupRow!.notes.map((n) => n.by)).toEqual(['Ada (not yet shared)']);
    expect(data.signoffs[0]).toMatchObject({ role: 'Engineering Lead', name: 'Bob', recordedBy: 'Bob', teamKeyFingerprint: formatFingerprint(bob.key.keyid) });
    // The PDF's signature names this laptop's journal, and the session is the one it started.
    expect(data.chain).toEqual({ entries: ada.session.state.entries, head: ada.session.state.head });
    expect(data.session.id).toBe((ada.session.entries()[0]!.data as { sessionId: string }).sessionId);
    expect(data.team?.members.map((m) => m.name)).toEqual(['Ada', 'Bob']);
    ada.session.close();
    bob.session.close();
  });

  it('leaves out a row altered in the replica and counts it refused; the local entry it copied stays, not yet shared', () => {
    const ada = laptop('ada');
    const [backup] = ada.d.items;
    ada.session.tick(backup!.id, true, backup!.text, 'Ada');
    const chain = new Chain();
    chain.join(ada.key, 'Ada');
    for (const entry of ada.session.entries()) chain.share(ada.key, 'Ada', entry);
    const rows = chain.rows.map((row) => (row.type === 'item.ticked' ? { ...row, data: { ...row.data, checked: false } } : row));
    joined(ada);
    keep(ada.session.dir, rows);
    const source = reportEntries(ada.session.dir, ada.session.entries());
    // The store's copy of Ada's tick is refused; her own journal still holds it, so it is reported as hers, not yet shared.
    expect(source.entries.map((e) => [e.type, e.by])).toEqual([
      ['session.started', 'Ada'],
      ['item.ticked', 'Ada (not yet shared)'],
    ]);
    expect(source.team?.refused).toBe(1);
    ada.session.close();
  });

  it('reports a session not joined to a team from its own journal, with no team', () => {
    const ada = laptop('ada');
    const source = reportEntries(ada.session.dir, ada.session.entries());
    expect(source.entries).toEqual(ada.session.entries());
    expect(source.team).toBeNull();
    ada.session.close();
  });
});
