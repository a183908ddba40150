import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { GENESIS_HASH } from '../../src/shared/session-model';
import { canonicalJson } from '../../src/main/services/journal/canonical-json';
import { Journal, readJournalFile } from '../../src/main/services/journal/journal';
import { acquireLock } from '../../src/main/services/journal/lock';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { canaryLeaks } from '../support/canary';

const dirs: string[] = [];
const open: Journal[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flightdeck-journal-'));
  dirs.push(dir);
  return dir;
}

function openJournal(dir: string, options?: Parameters<typeof Journal.open>[1]): Journal {
  const journal = Journal.open(dir, options);
  open.push(journal);
  return journal;
}

/** A clock that advances one second per reading, so timestamps are known. */
function steppingClock(): () => Date {
  let t = Date.parse('2025-03-01T10:00:00.000Z');
  return () => new Date((t += 1000));
}

function tick(journal: Journal, n: number): void {
  journal.append('item.ticked', 'ana', { itemId: `item-${n}`, checked: true, itemText: `Step ${n}` });
}

/** A closed journal of `count` ticks; returns its lines (without the final newline). */
function journalWith(dir: string, count: number): string[] {
  const journal = openJournal(dir, { clock: steppingClock() });
  for (let n = 0; n < count; n++) tick(journal, n);
  journal.close();
  return fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').split('\n').slice(0, -1);
}

function writeLines(dir: string, lines: string[]): void {
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), lines.map((line) => `${line}\n`).join(''));
}

function openError(dir: string): FlightdeckError {
  try {
    openJournal(dir).close();
  } catch (err) {
    if (err instanceof FlightdeckError) return err;
    throw err;
  }
  throw new Error('the journal opened');
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const journal of open.splice(0)) journal.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and drops undefined like JSON.stringify', () => {
    const value = { b: 1, a: { d: [3, { z: 1, y: 2 }, undefined], c: undefined, e: 'x"y' } };
    expect(canonicalJson(value)).toBe('{"a":{"d":[3,{"y":2,"z":1},null],"e":"x\\"y"},"b":1}');
  });

  it('spells a value and its JSON round trip the same way', () => {
    const value = { when: new Date(0), n: Number.NaN, z: [{ b: 2, a: 1 }], a: 'ü' };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  it('refuses what JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/BigInt/);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('Journal', () => {
  it('reads back after reopening exactly what was appended, chained from the genesis hash', () => {
    const dir = path.join(tempDir(), 'sessions', 'one');
    const journal = openJournal(dir, { clock: steppingClock() });
    expect(journal.length).toBe(0);
    expect(journal.head).toBe(GENESIS_HASH);
    const first = journal.append('session.started', null, { sessionId: 's1', runbook: { name: 'deploy.md', path: null, sha256: 'abc', title: 'Deploy' } });
    const second = journal.append('item.ticked', 'ana', { itemId: 'a', checked: true, itemText: 'Drain', ignored: undefined });
    journal.append('item.noted', 'bob', { itemId: 'a', text: 'line one\nline two', itemText: 'Drain' });
    expect(first).toMatchObject({ seq: 0, ts: '2025-03-01T10:00:01.000Z', prev: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 1, prev: first.hash, by: 'ana', data: { itemId: 'a', checked: true, itemText: 'Drain' } });
    expect('ignored' in second.data).toBe(false);
    const expectedHash = createHash('sha256')
      .update(canonicalJson({ seq: 1, ts: second.ts, type: 'item.ticked', by: 'ana', data: second.data, prev: first.hash }))
      .digest('hex');
    expect(second.hash).toBe(expectedHash);
    const written = journal.all().slice();
    const head = journal.head;
    journal.close();

    const text = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(4);

    const again = openJournal(dir);
    expect(again.all()).toEqual(written);
    expect(again.length).toBe(3);
    expect(again.head).toBe(head);
    expect(again.recovered).toBeNull();
    expect(Journal.verifyChain(again.all())).toEqual({ ok: true });
    expect(readJournalFile(path.join(dir, 'journal.jsonl'))).toEqual({ entries: written, tornTail: false });
    const fourth = again.append('session.closed', 'ana', { reason: 'done' });
    expect(fourth).toMatchObject({ seq: 3, prev: head });
  });

  it('verifyChain names the first entry that was changed or moved', () => {
    const dir = tempDir();
    journalWith(dir, 4);
    const entries = readJournalFile(path.join(dir, 'journal.jsonl')).entries;
    expect(Journal.verifyChain(entries)).toEqual({ ok: true });
    const edited = entries.map((entry, i) => (i === 2 ? { ...entry, data: { ...entry.data, checked: false } } : entry));
    expect(Journal.verifyChain(edited)).toEqual({ ok: false, index: 2, reason: 'hash mismatch' });
    const swapped = [entries[0]!, entries[2]!, entries[1]!, entries[3]!];
    expect(Journal.verifyChain(swapped)).toMatchObject({ ok: false, index: 1, reason: expect.stringMatching(/seq 2 out of order/) });
    expect(Journal.verifyChain(entries.slice(1))).toMatchObject({ ok: false, index: 0 });
  });

  it('drops a torn last line, truncates it away and appends on a clean line', () => {
    const dir = tempDir();
    const lines = journalWith(dir, 4);
    const file = path.join(dir, 'journal.jsonl');
    const cleanSize = Buffer.byteLength(lines.slice(0, 3).map((l) => `${l}\n`).join(''));
    // A crash in the middle of writing the fourth line.
    fs.truncateSync(file, cleanSize + Math.floor(lines[3]!.length / 2));

    const readOnly = Journal.open(dir, { readOnly: true });
    expect(readOnly.length).toBe(3);
    expect(readOnly.recovered).toMatchObject({ line: 4, reason: 'no newline at the end' });
    expect(fs.statSync(file).size).toBeGreaterThan(cleanSize);
    expect(() => readOnly.append('item.ticked', null, {})).toThrow(expect.objectContaining({ code: 'unsupported' }));
    expect(readJournalFile(file).tornTail).toBe(true);

    const journal = openJournal(dir);
    expect(journal.length).toBe(3);
    expect(journal.recovered).toMatchObject({ line: 4, bytes: Math.floor(lines[3]!.length / 2) });
    expect(fs.statSync(file).size).toBe(cleanSize);
    journal.append('item.ticked', 'ana', { itemId: 'item-3', checked: false, itemText: 'Step 3' });
    journal.close();

    const reopened = openJournal(dir);
    expect(reopened.length).toBe(4);
    expect(reopened.recovered).toBeNull();
    expect(reopened.all()[3]!.data).toEqual({ itemId: 'item-3', checked: false, itemText: 'Step 3' });
  });

  it('drops an unterminated tail of NULs, as a power cut can leave, but refuses them once they end in a newline', () => {
    const dir = tempDir();
    const lines = journalWith(dir, 2);
    const file = path.join(dir, 'journal.jsonl');
    const clean = lines.map((l) => `${l}\n`).join('');
    fs.appendFileSync(file, '\0\0\0\0\0\0');
    const journal = openJournal(dir);
    expect(journal.length).toBe(2);
    expect(journal.recovered).toMatchObject({ line: 3, bytes: 6, reason: 'no newline at the end' });
    expect(fs.readFileSync(file, 'utf8')).toBe(clean);
    journal.close();
    // A whole line: the write that put it there finished, so it is not a crash's leftover.
    fs.appendFileSync(file, '\0\0\0\0\0\0\n');
    expect(openError(dir)).toMatchObject({ code: 'conflict', line: 3, message: 'journal.jsonl line 3: bad JSON' });
    expect(fs.readFileSync(file, 'utf8')).toBe(`${clean}\0\0\0\0\0\0\n`);
  });

  it('refuses an edited but complete last line, naming it, and never cuts it off', () => {
    const dir = tempDir();
    const lines = journalWith(dir, 4);
    const file = path.join(dir, 'journal.jsonl');
    const edited = [...lines.slice(0, 3), lines[3]!.replace('"checked":true', '"checked":false')];
    writeLines(dir, edited);
    const before = fs.readFileSync(file);
    expect(openError(dir)).toMatchObject({ code: 'conflict', line: 4, file, message: 'journal.jsonl line 4: hash mismatch' });
    expect(() => Journal.open(dir, { readOnly: true })).toThrow('journal.jsonl line 4: hash mismatch');
    expect(() => readJournalFile(file)).toThrow('journal.jsonl line 4: hash mismatch');
    // Read-only, it shows what can be believed and names the damage.
    const damaged = openJournal(dir, { readOnly: true, tolerateDamage: true });
    expect(damaged.length).toBe(3);
    expect(damaged.damage).toEqual({ line: 4, reason: 'hash mismatch', message: 'journal.jsonl line 4: hash mismatch' });
    expect(damaged.recovered).toBeNull();
    expect(() => damaged.append('item.ticked', null, {})).toThrow(expect.objectContaining({ code: 'unsupported' }));
    expect(() => Journal.open(dir, { tolerateDamage: true })).toThrow(/read-only/);
    damaged.close();
    // Nothing was repaired, truncated or locked.
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'journal.lock'))).toBe(false);
  });

  it('refuses a journal that is a FIFO without waiting for a writer or reader', () => {
    const dir = tempDir();
    const file = path.join(dir, 'journal.jsonl');
    spawnSync('mkfifo', [file]);
    expect(fs.statSync(file).isFIFO()).toBe(true);
    expect(openError(dir)).toMatchObject({ code: 'bad-input', file, message: expect.stringMatching(/^is a FIFO/) });
    expect(() => Journal.open(dir, { readOnly: true })).toThrow(/is a FIFO/);
    expect(fs.existsSync(path.join(dir, 'journal.lock'))).toBe(false);
  });

  it('refuses a journal whose middle was edited, naming the line', () => {
    const dir = tempDir();
    const lines = journalWith(dir, 4);
    writeLines(dir, lines.map((line, i) => (i === 1 ? line.replace('"checked":true', '"checked":false') : line)));
    const err = openError(dir);
    expect(err).toMatchObject({ code: 'conflict', line: 2, file: path.join(dir, 'journal.jsonl') });
    expect(err.message).toBe('journal.jsonl line 2: hash mismatch');
    // A refused open leaves no lock behind.
    expect(fs.existsSync(path.join(dir, 'journal.lock'))).toBe(false);
  });

  it('refuses an edit whose hash was recomputed: the next line no longer links to it', () => {
    const dir = tempDir();
    const lines = journalWith(dir, 3);
    const entry = JSON.parse(lines[1]!) as Record<string, unknown>;
    entry.by = 'mallory';
    entry.hash = createHash('sha256')
      .update(canonicalJson({ seq: entry.seq, ts: entry.ts, type: entry.type, by: entry.by, data: entry.data, prev: entry.prev }))
      .digest('hex');
    writeLines(dir, [lines[0]!, JSON.stringify(entry), lines[2]!]);
    expect(openError(dir)).toMatchObject({ code: 'conflict', line: 3, message: 'journal.jsonl line 3: prev does not match the previous hash' });
  });

  it('refuses reordered lines and a dropped middle line', () => {
    const dir = tempDir();
    const lines = journalWith(dir, 5);
    writeLines(dir, [lines[0]!, lines[2]!, lines[1]!, lines[3]!, lines[4]!]);
    expect(openError(dir)).toMatchObject({ code: 'conflict', line: 2, message: 'journal.jsonl line 2: seq 2 out of order (expected 1)' });
    writeLines(dir, [lines[0]!, lines[1]!, lines[3]!, lines[4]!]);
    expect(openError(dir)).toMatchObject({ code: 'conflict', line: 3, message: 'journal.jsonl line 3: seq 3 out of order (expected 2)' });
    // The last two swapped: not a torn tail, since the swapped line is whole and valid.
    writeLines(dir, [lines[0]!, lines[1]!, lines[2]!, lines[4]!, lines[3]!]);
    expect(openError(dir)).toMatchObject({ code: 'conflict', line: 4 });
    writeLines(dir, [lines[0]!, 'not json', lines[1]!]);
    expect(openError(dir)).toMatchObject({ code: 'conflict', line: 2, message: 'journal.jsonl line 2: bad JSON' });
    expect(() => readJournalFile(path.join(dir, 'journal.jsonl'))).toThrow('journal.jsonl line 2: bad JSON');
  });

  it('does not acknowledge an entry whose fsync failed, rolls the line back and stops', () => {
    const dir = tempDir();
    const journal = openJournal(dir);
    tick(journal, 0);
    const file = path.join(dir, 'journal.jsonl');
    const sizeBefore = fs.statSync(file).size;
    vi.spyOn(fs, 'fsyncSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    });
    expect(() => tick(journal, 1)).toThrow(expect.objectContaining({ code: 'internal', message: expect.stringMatching(/EIO/) }));
    expect(journal.length).toBe(1);
    expect(fs.statSync(file).size).toBe(sizeBefore);
    expect(() => tick(journal, 2)).toThrow(expect.objectContaining({ code: 'internal', message: expect.stringMatching(/stopped after a failed write/) }));
    journal.close();
    const reopened = openJournal(dir);
    expect(reopened.length).toBe(1);
    tick(reopened, 1);
    expect(reopened.length).toBe(2);
  });

  it('rolls back a short write instead of leaving half a line for the next entry to join', () => {
    const dir = tempDir();
    const journal = openJournal(dir);
    tick(journal, 0);
    const realWrite = fs.writeSync;
    vi.spyOn(fs, 'writeSync').mockImplementationOnce(((fd: number, buffer: Uint8Array) => realWrite(fd, buffer.subarray(0, 10))) as typeof fs.writeSync);
    expect(() => tick(journal, 1)).toThrow(expect.objectContaining({ code: 'internal', message: expect.stringMatching(/wrote 10 of/) }));
    journal.close();
    const reopened = openJournal(dir);
    expect(reopened.recovered).toBeNull();
    expect(reopened.length).toBe(1);
  });

  it('refuses data that cannot be written as JSON without writing anything', () => {
    const dir = tempDir();
    const journal = openJournal(dir);
    expect(() => journal.append('item.noted', null, { n: 1n })).toThrow(expect.objectContaining({ code: 'bad-input' }));
    expect(() => journal.append('item.noted', null, [] as unknown as Record<string, unknown>)).toThrow(expect.objectContaining({ code: 'bad-input' }));
    expect(journal.length).toBe(0);
    expect(fs.statSync(path.join(dir, 'journal.jsonl')).size).toBe(0);
    tick(journal, 0);
    expect(journal.length).toBe(1);
  });

  it('writes every entry through its redactor: data at any depth and the author, in any encoding, hashed as written', () => {
    const dir = tempDir();
    const secret = 'hunter2/"pa ss"+word';
    const redactor = new SecretRedactor();
    redactor.add('db-password', secret);
    const journal = openJournal(dir, { redactor });
    const basic = Buffer.from(`admin:${secret}`).toString('base64');
    const entry = journal.append('action.finished', `ops ${secret}`, {
      actionId: 'a1',
      outcome: 'failed',
      message: `answered 500: {"error":"bad token ${JSON.stringify(secret).slice(1, -1)}"} www-authenticate: Basic ${basic}`,
      nested: { url: `https://x/?p=${encodeURIComponent(secret)}`, list: [secret, 42] },
    });
    expect(entry.by).toBe('ops «secret:db-password»');
    expect(entry.data).toMatchObject({ nested: { list: ['«secret:db-password»', 42] } });
    journal.close();
    const bytes = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
    expect(canaryLeaks(bytes, secret)).toEqual([]);
    expect(bytes).toContain('«secret:db-password»');
    // Hashed after redaction: the file verifies and reopens without the redactor.
    const { entries } = readJournalFile(path.join(dir, 'journal.jsonl'));
    expect(Journal.verifyChain(entries)).toEqual({ ok: true });
    expect(entries[0]).toEqual(entry);
  });

  it('keeps ids and hashes as written, so a short secret found in one by chance cannot break replay', () => {
    const dir = tempDir();
    const redactor = new SecretRedactor();
    redactor.add('pin', '2024');
    const journal = openJournal(dir, { redactor });
    const entry = journal.append('item.ticked', 'ana', { itemId: 'deploy-2024-q1', checked: true, itemText: 'Deploy with 2024' });
    expect(entry.data).toEqual({ itemId: 'deploy-2024-q1', checked: true, itemText: 'Deploy with «secret:pin»' });
    const loaded = journal.append('runbook.loaded', null, { path: null, sha256: 'ab2024cd', previousSha256: '2024' });
    expect(loaded.data).toEqual({ path: null, sha256: 'ab2024cd', previousSha256: '2024' });
  });

  it('uses a snapshot only when the journal holds its entry with the same hash', () => {
    const dir = tempDir();
    const journal = openJournal(dir, { snapshotEvery: 3 });
    const snapshotFile = path.join(dir, 'snapshot.json');
    expect(journal.readSnapshot()).toBeNull();
    tick(journal, 0);
    tick(journal, 1);
    expect(journal.snapshotDue()).toBe(false);
    tick(journal, 2);
    expect(journal.snapshotDue()).toBe(true);
    journal.writeSnapshot({ ticks: 3 });
    expect(journal.snapshotDue()).toBe(false);
    tick(journal, 3);
    journal.close();

    const reopened = openJournal(dir, { snapshotEvery: 3 });
    expect(reopened.readSnapshot()).toEqual({ seq: 2, hash: reopened.all()[2]!.hash, state: { ticks: 3 } });
    expect(reopened.snapshotDue()).toBe(false);
    tick(reopened, 4);
    tick(reopened, 5);
    expect(reopened.snapshotDue()).toBe(true);
    reopened.close();

    const good = JSON.parse(fs.readFileSync(snapshotFile, 'utf8')) as { seq: number; hash: string; state: unknown };
    const check = (snapshot: unknown): unknown => {
      fs.writeFileSync(snapshotFile, typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot));
      const j = Journal.open(dir, { readOnly: true });
      return j.readSnapshot();
    };
    expect(check(good)).not.toBeNull();
    expect(check({ ...good, hash: 'f'.repeat(64) })).toBeNull();
    expect(check({ ...good, seq: 99 })).toBeNull();
    expect(check({ ...good, seq: 1 })).toBeNull();
    expect(check('{"seq":2,')).toBeNull();
    // The same snapshot next to a different journal of the same length.
    fs.rmSync(path.join(dir, 'journal.jsonl'));
    journalWith(dir, 6);
    expect(check(good)).toBeNull();
  });

  it('replaces the snapshot atomically and clears temp files a crash left', () => {
    const dir = tempDir();
    const journal = openJournal(dir);
    tick(journal, 0);
    journal.writeSnapshot({ v: 1 });
    tick(journal, 1);
    journal.writeSnapshot({ v: 2 });
    journal.close();
    fs.writeFileSync(path.join(dir, 'snapshot.json.0a1b2c3d4e5f.tmp'), '{"seq":');
    expect(fs.readdirSync(dir).sort()).toEqual(['journal.jsonl', 'snapshot.json', 'snapshot.json.0a1b2c3d4e5f.tmp']);
    const reopened = openJournal(dir);
    expect(reopened.readSnapshot()?.state).toEqual({ v: 2 });
    expect(fs.readdirSync(dir).sort()).toEqual(['journal.jsonl', 'journal.lock', 'snapshot.json']);
  });
});

describe('journal lock', () => {
  it('refuses a second open of the same session in this process, also by another path, until closed', () => {
    const dir = tempDir();
    const journal = openJournal(dir);
    expect(() => Journal.open(dir)).toThrow(expect.objectContaining({ code: 'locked', file: dir }));
    expect(() => Journal.open(path.join(dir, '..', path.basename(dir)))).toThrow(expect.objectContaining({ code: 'locked' }));
    // Reading alongside the writer needs no lock.
    expect(Journal.open(dir, { readOnly: true }).length).toBe(0);
    journal.close();
    journal.close();
    expect(fs.existsSync(path.join(dir, 'journal.lock'))).toBe(false);
    openJournal(dir).close();
  });

  it('refuses while another live process holds the lock', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify({ pid: child.pid, hostname: os.hostname(), startedAt: new Date().toISOString() }));
      expect(openError(dir)).toMatchObject({ code: 'locked', message: `Session ${dir} is open in another Flightdeck (pid ${child.pid}).` });
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'journal.lock'), 'utf8'))).toMatchObject({ pid: child.pid });
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // Once it is gone, its lock is stale.
    openJournal(dir).close();
  });

  it('refuses a lock held on another host', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify({ pid: 1, hostname: `not-${os.hostname()}`, startedAt: '2025-01-01T00:00:00.000Z' }));
    expect(openError(dir)).toMatchObject({ code: 'locked', message: expect.stringContaining(`on not-${os.hostname()}`) });
  });

  it('takes over the lock of a process that died', () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '']);
    expect(dead.status).toBe(0);
    const lockFile = path.join(dir, 'journal.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: dead.pid, hostname: os.hostname(), startedAt: '2025-01-01T00:00:00.000Z' }));
    const journal = openJournal(dir);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    tick(journal, 0);
    journal.close();
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('takes over an empty or garbled lock, and one our pid left in an earlier life', () => {
    const dir = tempDir();
    const lockFile = path.join(dir, 'journal.lock');
    for (const content of ['', '{"pid":', 'null', JSON.stringify({ pid: process.pid, hostname: os.hostname(), startedAt: '2020-01-01T00:00:00.000Z' })]) {
      fs.writeFileSync(lockFile, content);
      const lock = acquireLock(dir);
      expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
      lock.release();
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('leaves a lock that someone else took over in place on release', () => {
    const dir = tempDir();
    const lockFile = path.join(dir, 'journal.lock');
    const lock = acquireLock(dir);
    const theirs = JSON.stringify({ pid: 424242, hostname: os.hostname(), startedAt: new Date().toISOString() });
    fs.writeFileSync(lockFile, theirs);
    lock.release();
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(theirs);
  });
});
