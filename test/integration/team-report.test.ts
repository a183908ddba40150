/**
 * The team window's report (issue 16, "Report and verify"), end to end with
 * real parts: a real PostgreSQL, and Ada and Bob as real `flightdeck`
 * processes with their own data directories, vaults and keys. Bob signs off
 * on his own laptop; Ada exports the report from hers. The report covers the
 * merged chain with every author, shows Bob's sign-off as signed by Bob's
 * key, marks what Ada has not shared yet, and `flightdeck verify` checks
 * the team chain the bundle names against Ada's session folder, offline.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeBody, parseEnvelope } from '../../src/main/services/signing/dsse';
import { formatFingerprint } from '../../src/main/services/signing/ed25519';
import { openPostgresTeamStore } from '../../src/main/services/team/team-store';
import { tempDir } from '../support/app';
import { startPostgres, type PostgresServer } from '../support/servers';
import { itemIdsOf, person, TEAM_RUNBOOK, type Person } from '../support/team';

const PASSWORD = 'canary-team-report-pw-2718';
const SESSION = 'window-report';

let pg: PostgresServer;
let work: ReturnType<typeof tempDir>;
let ada: Person;
let bob: Person;
let items: string[];
let pdf: string;
let text: string;

async function ok(run: Promise<{ code: number; stdout: string; stderr: string }>): Promise<string> {
  const result = await run;
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

function join_(p: Person): Promise<string> {
  return ok(p.cli(['session', 'join', '--store', pg.url('postgres'), '--session', SESSION, '--dir', p.dir, '--runbook', TEAM_RUNBOOK, '--by', p.name]));
}

/** The PDF's text with every run of whitespace one space: table cells wrap wherever the width says. */
function pdfText(file: string): string {
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

function keyOf(p: Person, rows: Array<Record<string, unknown>>): string {
  return String(rows.find((row) => row.type === 'member.joined' && row.name === p.name)?.author);
}

beforeAll(async () => {
  pg = await startPostgres({ password: PASSWORD });
  work = tempDir('flightdeck-team-report-');
  items = itemIdsOf(TEAM_RUNBOOK, work.path);
  const store = openPostgresTeamStore({ url: pg.url('postgres'), password: PASSWORD, ssl: { mode: 'disable' } });
  await store.migrate();
  await store.close();
  ada = person('Ada', work.path, PASSWORD);
  bob = person('Bob', work.path, PASSWORD);
  await join_(ada);
  await join_(bob);
  await ok(ada.cli(['session', 'tick', ada.dir, items[0]!, '--by', 'Ada']));
  await ok(ada.cli(['session', 'note', ada.dir, items[0]!, 'smoke test green', '--by', 'Ada']));
  await ok(bob.cli(['session', 'tick', bob.dir, items[1]!, '--by', 'Bob']));
  await ok(bob.cli(['signoff', bob.dir, '--role', 'Engineering Lead', '--name', 'Bob', '--own-key', '--by', 'Bob']));
  // Both share: Bob first, so Ada's share also brings Bob's entries to her replica.
  await join_(bob);
  await join_(ada);
  // A tick Ada makes after her last share: in her journal, not yet in the team chain.
  await ok(ada.cli(['session', 'tick', ada.dir, items[2]!, '--by', 'Ada']));
  pdf = join(work.path, 'r.pdf');
  const exported = await ok(ada.cli(['report', ada.dir, '--out', pdf, '--by', 'Ada']));
  expect(exported).toMatch(/Team session window-report: \d+ chain entries, head [0-9a-f]{64}, by Ada \(\d+\), Bob \(\d+\); 1 entries of this laptop not yet shared/);
  text = pdfText(pdf);
}, 240_000);

afterAll(async () => {
  await pg?.stop();
  work?.remove();
});

describe('the report of a team session', () => {
  it("covers the merged chain: Bob's tick by Bob, Ada's tick and note by Ada, and Ada's unshared tick marked so", () => {
    // Bob's tick reached Ada only through the team chain; her own journal does not hold it.
    expect(ada.journal().some((e) => e.type === 'item.ticked' && (e.data as { itemId: string }).itemId === items[1])).toBe(false);
    // Each ticked row names who ticked it: Ada's, Bob's (from the team chain), then Ada's unshared one.
    expect(text).toMatch(/☑ [^☑☐]+ ✓ Ada · [\d-]+ [\d:]+ Note by Ada, [\d-]+ [\d:]+: smoke test green ☑ [^☑☐]+ ✓ Bob · [\d-]+ [\d:]+ ☑ [^☑☐]+ ✓ Ada \(not yet shared\) ·/);
    expect(text).toMatch(/1 entry recorded on this laptop is not yet shared with the team/);
  });

  it('names every author with their key fingerprint and entry count', () => {
    const rows = ada.replica();
    expect(text).toContain('People');
    for (const p of [ada, bob]) {
      const key = keyOf(p, rows);
      const count = rows.filter((row) => row.author === key && row.type !== 'member.joined').length;
      expect(count).toBeGreaterThan(0);
      expect(text).toContain(`${p.name} ${formatFingerprint(key)} ${count}`);
    }
    expect(text).toMatch(new RegExp(`Team chain session ${SESSION} on 127\\.0\\.0\\.1:${pg.port}/postgres: ${rows.length} entries`));
    expect(text).not.toContain(PASSWORD);
  });

  it("shows Bob's sign-off as signed by Bob's key in the team chain, not as recorded by the exporter", () => {
    const bobKey = keyOf(bob, ada.replica());
    expect(text).toContain(`Engineering Lead`);
    expect(text).toContain(`signed in the team chain by Bob's key ${formatFingerprint(bobKey)} `);
    expect(text).not.toContain('recorded by Ada');
  });

  it('names the team chain in the signed PDF and in the signed bundle: its session, row count and head', () => {
    const rows = ada.replica();
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toContain(`flightdeck-team-session:${SESSION}`);
    expect(info).toContain(`flightdeck-team-entries:${rows.length}`);
    expect(info).toContain(`flightdeck-team-head:${String(rows.at(-1)!.hash)}`);
    const bundle = parseEnvelope(readFileSync(pdf.replace(/\.pdf$/, '.bundle.json'), 'utf8'));
    const statement = JSON.parse(envelopeBody(bundle).toString('utf8')) as { predicate: { team?: unknown; signoffs: Array<{ name: string }> } };
    expect(statement.predicate.team).toEqual({ session: SESSION, entries: rows.length, head: rows.at(-1)!.hash });
    expect(statement.predicate.signoffs.map((s) => s.name)).toEqual(['Bob']);
  });
});

describe('verifying a team report', () => {
  it("is valid against Ada's session folder on her machine (her local CA), and untrusted on Bob's", async () => {
    const mine = await ada.cli(['verify', pdf, '--session', ada.dir]);
    expect(mine.code, `${mine.stdout}${mine.stderr}`).toBe(0);
    expect(mine.stdout).toMatch(/Team chain of session window-report: \d+ entries by 2 members .* every signature and link checked and valid/);
    expect(mine.stdout).toMatch(/^valid: .*1 sign-off/m);
    // Bob's sign-off is signed by his own key: in the team chain, checked offline, not in Ada's bundle.
    expect(mine.stderr).toContain('note: Bob (Engineering Lead) signed off on their own laptop: their own key signed that entry of the team chain');
    expect(mine.stderr).not.toContain('without their own signature');
    const json = await ada.cli(['verify', pdf, '--session', ada.dir, '--json']);
    expect(json.code).toBe(0);
    // One JSON object: the report's result with the team chain's check beside it.
    const result = JSON.parse(json.stdout) as { verdict: string; details: { signoffs: Array<{ name: string; signatureVerified: boolean }> }; team: { members: Array<{ name: string }>; refused: unknown[] } };
    expect(result.verdict).toBe('valid');
    expect(result.details.signoffs).toEqual([expect.objectContaining({ name: 'Bob', signatureVerified: true })]);
    expect(result.team.members.map((m) => m.name)).toEqual(['Ada', 'Bob']);
    expect(result.team.refused).toEqual([]);
    const theirs = await bob.cli(['verify', pdf, '--session', ada.dir]);
    expect(theirs.code, theirs.stderr).toBe(3);
  }, 60_000);

  it("fails naming the entry after a row of Ada's replica is edited, and says the team chain is missing once it is gone", async () => {
    const file = join(ada.dir, 'team', 'chain.jsonl');
    const original = readFileSync(file, 'utf8');
    const rows = original.split('\n').filter(Boolean);
    const at = rows.findIndex((line) => {
      const row = JSON.parse(line) as { type: string; name: string };
      return row.type === 'item.ticked' && row.name === 'Bob';
    });
    expect(at).toBeGreaterThan(0);
    try {
      rows[at] = rows[at]!.replace('"checked":true', '"checked":false');
      writeFileSync(file, `${rows.join('\n')}\n`);
      const edited = await ada.cli(['verify', pdf, '--session', ada.dir]);
      expect(edited.code).toBe(1);
      expect(edited.stdout).toMatch(new RegExp(`^invalid: team chain: entry ${at} \\(item\\.ticked by Bob\\): was altered in the store`, 'm'));

      // Rows cut off the end: the replica no longer holds the head the bundle names.
      writeFileSync(file, `${original.split('\n').filter(Boolean).slice(0, -1).join('\n')}\n`);
      const cut = await ada.cli(['verify', pdf, '--session', ada.dir]);
      expect(cut.code).toBe(1);
      expect(cut.stdout).toMatch(/invalid: team chain truncated: \d+ entries, the report covers \d+/);
      // The signed PDF names the team chain itself: without its bundle it is caught all the same.
      const alone = join(work.path, 'alone');
      mkdirSync(alone, { recursive: true });
      copyFileSync(pdf, join(alone, 'r.pdf'));
      const pdfOnly = await ada.cli(['verify', join(alone, 'r.pdf'), '--session', ada.dir]);
      expect(pdfOnly.code).toBe(1);
      expect(pdfOnly.stdout).toMatch(/invalid: team chain truncated/);

      writeFileSync(file, '');
      const gone = await ada.cli(['verify', pdf, '--session', ada.dir]);
      expect(gone.code).toBe(1);
      // Bob's sign-off was only in the team chain, so it is missing too.
      expect(gone.stdout).toMatch(/^invalid: the sign-off of Bob \(Engineering Lead\) is not in the journal/m);
      expect(gone.stderr).toMatch(/evidence missing: the session folder holds no team chain/);
    } finally {
      writeFileSync(file, original);
    }
    expect(existsSync(file)).toBe(true);
    expect((await ada.cli(['verify', pdf, '--session', ada.dir])).code).toBe(0);
  }, 90_000);
});
