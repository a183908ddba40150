/**
 * One canary secret, held by a real passphrase vault, through the whole
 * app as a renderer drives it (app.call): a profile's HTTP flag backend and
 * HTTP probe send it as a Bearer header to a loopback server that answers
 * 500 and echoes it back, in the body and in headers, in every encoding;
 * an allowlisted `node` program gets it through its environment and prints
 * it in every encoding, on stdout and as its failure message; a person
 * pastes it into a note; the completion report is exported as a signed PDF
 * with Chromium. Then no encoding of it (plain, JSON, URL, base64, Basic
 * auth; canaryLeaks in test/support/canary.ts) may be found in any call's
 * answer, any event, the log, any file under the data directory (journal,
 * snapshot, metrics, PDF, bundle), the PDF's text, the bundle's signed
 * payload, or the program's argv (/proc/PID/cmdline, read while it runs).
 *
 * Each place is also checked to carry «secret:canary-token» where the
 * secret was, so the test fails if the secret never got there at all.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import { NOTE_REDACTED_NOTICE } from '../../src/main/app/cockpit';
import type { Cockpit, NoteResult } from '../../src/shared/contract';
import type { ActionRecord, ControlState, FlagView } from '../../src/shared/control-model';
import type { CallResult } from '../../src/shared/errors';
import type { ExportResult } from '../../src/shared/report-model';
import type { TelemetrySnapshot } from '../../src/shared/telemetry-model';
import { tempDir, testApp } from '../support/app';
import { canaryLeaks } from '../support/canary';
import { startHttpTarget, type HttpTarget } from '../support/http-targets';
import { waitFor } from '../support/wait';

const SECRET_NAME = 'canary-token';
const PLACEHOLDER = `«secret:${SECRET_NAME}»`;
/** Quote, backslash, slash, plus, space, &, = and %: every encoding of it differs from the others. */
const CANARY = `cAn4rY-"q\\/+ x&=%-${randomBytes(6).toString('hex')}`;
const RENDERER = join(__dirname, '..', '..', 'out', 'renderer');

/** The secret in every shape an echo or a program writes it in. The program runs its source too (PRINTER), so it uses only globals. */
function encodings(secret: string): Record<string, string> {
  return {
    plain: secret,
    json: JSON.stringify({ token: secret }),
    url: encodeURIComponent(secret),
    form: new URLSearchParams({ token: secret }).toString(),
    base64: Buffer.from(secret).toString('base64'),
    base64url: Buffer.from(secret).toString('base64url'),
    basic: `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}`,
  };
}

/**
 * The target that quotes what it was sent: 500, the token in every encoding
 * in the body and in headers; /metrics answers 200 with an exposition whose
 * value is the token in base64, which the parser's error quotes.
 */
function echo(received: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization ?? '';
    received.push(`${req.method} ${req.url} ${auth}`);
    const forms = encodings(auth.replace(/^Bearer /, ''));
    req.resume();
    res.writeHead(req.url === '/metrics' ? 200 : 500, {
      'content-type': 'application/json',
      'www-authenticate': `Basic realm="${forms.basic}"`,
      'x-echo-token': forms.plain,
      'x-echo-json': forms.json,
      'x-echo-base64': forms.base64,
      'set-cookie': `token=${forms.url}`,
    });
    const said = Object.entries(forms)
      .map(([how, text]) => `${how}=${text}`)
      .join(' ');
    res.end(req.url === '/metrics' ? `echo_token ${forms.base64}\n` : JSON.stringify({ message: `token rejected: ${said}`, token: forms.plain }));
  };
}

/** Prints the token from its environment in every encoding, then fails quoting it; waits for `go` first so its argv can be read. */
const PRINTER = `const fs = require('node:fs');
const t = process.env.FD_TOKEN;
fs.writeSync(1, JSON.stringify({ pid: process.pid }) + '\\n');
const until = Date.now() + 60000;
while (!fs.existsSync(process.argv[2]) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
const forms = ${encodings.toString()}(t);
for (const [how, text] of Object.entries(forms)) fs.writeSync(1, how + ' ' + text + '\\n');
fs.writeSync(2, 'FATAL: token rejected: ' + forms.basic + ' ' + t + '\\n');
process.exit(3);
`;

let echoServer: HttpTarget;
const received: string[] = [];
let dir: { path: string; remove: () => void };
let app: App;
const answers: string[] = [];
const events: string[] = [];
const output: string[] = [];
const logLines: string[] = [];

/** A contract call as the renderer makes it; every answer, good or bad, is kept for the final check. */
async function call<T>(name: string, input: unknown = {}): Promise<T> {
  const result = (await app.call(name, input)) as CallResult<T>;
  answers.push(`${name} ${JSON.stringify(result)}`);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value;
}

/**
 * The canary goes into the vault. When vault entries carry destinations
 * (issue 12, scope 4), this is the one place to scope it: to the echo
 * server's origin and to program:node.
 */
async function storeCanary(): Promise<void> {
  await call('unlockVault', { passphrase: 'canary passphrase, long enough' });
  await call('putSecret', { name: SECRET_NAME, value: CANARY, scope: [echoServer.url, 'program:node'] });
}

/** Opens the runbook and approves what it would do, as the operator does on the review screen. */
async function openRunbook(path: string): Promise<Cockpit> {
  const opened = await call<Cockpit>('openRunbookPath', { path });
  return call<Cockpit>('approveTrust', { hash: opened.trust!.hash });
}

function writeRunbook(root: string): string {
  const script = join(root, 'print-token.js');
  writeFileSync(script, PRINTER);
  const bearer = `{ secret: ${SECRET_NAME}, prefix: "Bearer " }`;
  writeFileSync(
    join(root, 'rollout.flightdeck.yaml'),
    `environment: canary
probes:
  - name: echo-health
    kind: http
    url: ${echoServer.url}/health
    intervalSeconds: 0.5
    timeoutMs: 3000
    headers: { Authorization: ${bearer} }
  - name: echo-metrics
    kind: prometheus
    url: ${echoServer.url}/metrics
    intervalSeconds: 0.5
    timeoutMs: 3000
    requests: http_requests_total
    headers: { Authorization: ${bearer} }
flags:
  - name: canary_flag
    backend:
      type: http
      url: ${echoServer.url}/api/flags/canary_flag
      headers: { Authorization: ${bearer} }
    steps: [0, 50, 100]
    timeoutMs: 3000
commands:
  allow: [node]
  env:
    FD_TOKEN: { secret: ${SECRET_NAME} }
  named:
    print-token: { argv: [node, ${JSON.stringify(script)}, ${JSON.stringify(join(root, 'go'))}] }
`,
  );
  const runbook = join(root, 'rollout.md');
  writeFileSync(runbook, '# Canary rollout\n\n## Before\n\n- [ ] Check the token\n- [ ] Raise the flag\n');
  return runbook;
}

/** Every file under `root`, with the text of any base64 payload inside a JSON file decoded too (the bundle's DSSE envelope). */
function filesUnder(root: string): Array<{ path: string; text: string }> {
  const found: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) {
      found.push(...filesUnder(path));
      continue;
    }
    const text = readFileSync(path, 'latin1');
    found.push({ path, text });
    if (name.endsWith('.json')) found.push({ path: `${path} (decoded payloads)`, text: decodedPayloads(readFileSync(path, 'utf8')) });
  }
  return found;
}

function decodedPayloads(json: string): string {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= 64 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) out.push(Buffer.from(value, 'base64').toString('utf8'));
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  try {
    walk(JSON.parse(json));
  } catch {
    // not JSON: the raw bytes were checked already
  }
  return out.join('\n');
}

function expectClean(where: string, text: string): void {
  expect(canaryLeaks(text, CANARY), `${where} holds the canary`).toEqual([]);
}

beforeAll(async () => {
  echoServer = await startHttpTarget(echo(received));
  dir = tempDir('flightdeck-canary-');
  app = testApp(join(dir.path, 'data'), { logLines, scryptN: 2 ** 15 });
  app.events.subscribe((name, payload) => {
    events.push(`${name} ${JSON.stringify(payload)}`);
    if (name === 'commandOutput') output.push((payload as { text: string }).text);
  });
});

afterAll(async () => {
  await app?.close();
  await echoServer?.close();
  dir?.remove();
});

describe('a canary secret echoed back by a remote server and printed by a program', () => {
  it('appears in no answer, event, log line, journal, metrics, report, bundle or argv, in any encoding', async () => {
    const root = join(dir.path, 'runbook');
    mkdirSync(root);
    const cockpit = await openRunbook(writeRunbook(root));
    await storeCanary();
    const sessionDir = cockpit.session!.dir;

    // The probes send it and get it back: a 500, and an exposition the parser quotes.
    await waitFor('the probe to send the canary', () => received.some((r) => r === `GET /health Bearer ${CANARY}`), { timeoutMs: 30_000 });
    const telemetry = await waitFor(
      'the probes to report the 500 and the bad exposition',
      async () => {
        const snapshot = await call<TelemetrySnapshot>('getTelemetry', { rangeSeconds: 60 });
        const [health, metrics] = snapshot.probes;
        return health?.message.includes('HTTP 500') && metrics?.message.includes('malformed exposition') && snapshot;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(telemetry.probes.map((p) => p.health)).toEqual(['down', 'down']);
    expect(telemetry.probes[1]!.message).toContain(PLACEHOLDER);

    // The flag backend quotes the server's words: read and write say 500 with the canary replaced.
    const read = await call<FlagView>('readFlag', { flag: 'canary_flag' });
    expect(read.readError).toContain('answered 500');
    expect(read.readError).toContain(PLACEHOLDER);
    const write = await call<ActionRecord>('setFlag', { flag: 'canary_flag', percent: 50 });
    // A 500 whose read-back also fails proves nothing either way: unknown, honestly (issue 13).
    expect(write.outcome).toBe('unknown');
    expect(write.message).toContain(PLACEHOLDER);
    expect(received).toContain(`PUT /api/flags/canary_flag Bearer ${CANARY}`);

    // The program gets it only through its environment; its argv is read while it runs.
    const control = await call<ControlState>('getControl');
    const command = control.commands.find((c) => c.title === 'print-token')!;
    expect(command.runnable).toBe(true);
    const running = call<ActionRecord>('runCommand', { commandId: command.id });
    const pid = await waitFor('the program to print its pid', () => Number(/"pid":(\d+)/.exec(output.join(''))?.[1] ?? 0), { timeoutMs: 30_000 });
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    expect(cmdline.split('\0')).toContain(join(root, 'print-token.js'));
    writeFileSync(join(root, 'go'), '');
    const ran = await running;
    expect(ran.outcome).toBe('failed');
    expect(ran.message).toContain(PLACEHOLDER);
    const printed = output.join('');
    for (const how of Object.keys(encodings(CANARY))) expect(printed, `the ${how} line`).toMatch(new RegExp(`^${how} .*${PLACEHOLDER}`, 'm'));

    // A person pastes it into a note: saved redacted, and told so.
    const item = cockpit.runbook!.items[0]!;
    const forms = encodings(CANARY);
    const note = await call<NoteResult>('addNote', { itemId: item.id, text: `token for the check: ${forms.plain} (${forms.base64}, ${forms.url}, ${forms.basic})` });
    expect(note.notice).toBe(NOTE_REDACTED_NOTICE);
    const saved = (note.entry.data as { text: string }).text;
    expect(saved).toContain(`token for the check: ${PLACEHOLDER} (${PLACEHOLDER}, ${PLACEHOLDER}, Basic `);
    expectClean('the saved note', saved);
    const plainNote = await call<NoteResult>('addNote', { itemId: item.id, text: 'nothing secret here' });
    expect(plainNote.notice).toBeNull();

    // The signed report, rendered by Chromium.
    expect(existsSync(join(RENDERER, 'report.html')), 'out/renderer/report.html is missing: run `npx electron-vite build`').toBe(true);
    await call('setOperator', { name: 'Rita Release' });
    const exported = await call<ExportResult>('exportReport', { paper: 'a4' });
    const pdfText = spawnSync('pdftotext', ['-layout', exported.pdf, '-'], { encoding: 'utf8', timeout: 60_000 });
    expect(pdfText.status, pdfText.stderr).toBe(0);
    expect(pdfText.stdout).toContain('token for the check');
    expect(pdfText.stdout).toContain(`secret:${SECRET_NAME}`);
    expectClean('the PDF text', pdfText.stdout);
    expectClean('the bundle', readFileSync(exported.bundle, 'utf8'));
    expectClean('the bundle payload', decodedPayloads(readFileSync(exported.bundle, 'utf8')));

    // Everywhere else, after all of it.
    expectClean('/proc/PID/cmdline', cmdline);
    const journal = readFileSync(join(sessionDir, 'journal.jsonl'), 'utf8');
    expect(journal).toContain(PLACEHOLDER);
    expectClean('journal.jsonl', journal);
    const metrics = join(sessionDir, 'metrics.jsonl');
    if (existsSync(metrics)) expectClean('metrics.jsonl', readFileSync(metrics, 'utf8'));
    for (const file of filesUnder(join(dir.path, 'data'))) expectClean(file.path, file.text);
    expect(answers.join('\n')).toContain(PLACEHOLDER);
    for (const answer of answers) expectClean(`the answer to ${answer.slice(0, 40)}`, answer);
    expect(events.join('\n')).toContain(PLACEHOLDER);
    for (const event of events) expectClean(`the event ${event.slice(0, 40)}`, event);
    expectClean('the log', logLines.join('\n'));
  }, 180_000);
});
