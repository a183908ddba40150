import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FlightdeckError, formatError } from '../../src/shared/errors';
import { readRegularFile, readRegularFileSync, refuseNonRegularSync } from '../../src/main/services/storage/read-regular-file';
import { readVaultFile } from '../../src/main/services/vault/vault-file';
import { readRecordedMetrics } from '../../src/main/services/telemetry/metrics-recorder';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flightdeck-read-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function mkfifo(name: string): Promise<string> {
  const file = path.join(dir, name);
  await run('mkfifo', [file]);
  return file;
}

async function refusal(read: Promise<unknown>): Promise<FlightdeckError> {
  const error = await read.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(FlightdeckError);
  return error as FlightdeckError;
}

function syncRefusal(read: () => unknown): FlightdeckError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(FlightdeckError);
    return error as FlightdeckError;
  }
  throw new Error('the read succeeded');
}

describe('readRegularFile', () => {
  it('reads a regular file whole', async () => {
    const file = path.join(dir, 'plain.txt');
    const text = 'x'.repeat(3 * 1024 * 1024 + 7);
    fs.writeFileSync(file, text);
    expect((await readRegularFile(file, { maxBytes: 4 * 1024 * 1024 })).toString()).toBe(text);
    expect(readRegularFileSync(file, { maxBytes: 4 * 1024 * 1024 }).toString()).toBe(text);
  });

  it('refuses a FIFO at once, naming it, and nothing stays blocked', async () => {
    const fifo = await mkfifo('profile.flightdeck.yaml');
    const started = performance.now();
    const error = await refusal(readRegularFile(fifo, { maxBytes: 1024, timeoutMs: 30_000 }));
    // Far below the deadline: it was never waited on.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ code: 'bad-input', file: fifo });
    expect(formatError(error.toInfo())).toBe(`${fifo}: is a FIFO (named pipe), not a regular file; Flightdeck reads only regular files.`);
    expect(syncRefusal(() => readRegularFileSync(fifo, { maxBytes: 1024 })).message).toMatch(/is a FIFO/);
    expect(() => refuseNonRegularSync(fifo)).toThrow(/is a FIFO/);
    // The event loop and the file system threads still serve.
    const other = path.join(dir, 'after-fifo.txt');
    fs.writeFileSync(other, 'still here');
    expect((await readRegularFile(other, { maxBytes: 1024 })).toString()).toBe('still here');
  });

  it('refuses a directory, a socket and a device, saying what each is', async () => {
    expect(await refusal(readRegularFile(dir, { maxBytes: 1024 }))).toMatchObject({ file: dir, message: expect.stringMatching(/^is a directory, not a regular file/) });
    expect(await refusal(readRegularFile('/dev/zero', { maxBytes: 1024 }))).toMatchObject({ file: '/dev/zero', message: expect.stringMatching(/^is a character device/) });
    expect(syncRefusal(() => readRegularFileSync('/dev/null', { maxBytes: 1024 }))).toMatchObject({ file: '/dev/null', message: expect.stringMatching(/^is a character device/) });
    const socketPath = path.join(dir, 'vault.json');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await refusal(readRegularFile(socketPath, { maxBytes: 1024 }))).toMatchObject({ file: socketPath, message: expect.stringMatching(/^is a socket/) });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('follows a symbolic link to a regular file, and refuses one that leads to a FIFO', async () => {
    const target = path.join(dir, 'linked.md');
    fs.writeFileSync(target, '# Linked');
    const link = path.join(dir, 'link.md');
    fs.symlinkSync(target, link);
    expect((await readRegularFile(link, { maxBytes: 1024 })).toString()).toBe('# Linked');
    const fifoLink = path.join(dir, 'fifo-link.yaml');
    fs.symlinkSync(await mkfifo('behind-link'), fifoLink);
    expect((await refusal(readRegularFile(fifoLink, { maxBytes: 1024 }))).message).toMatch(/^is a FIFO/);
  });

  it('refuses a file over the limit, naming the file and the limit', async () => {
    const file = path.join(dir, 'big.yaml');
    fs.writeFileSync(file, Buffer.alloc(2 * 1024 * 1024 + 1));
    const error = await refusal(readRegularFile(file, { maxBytes: 1024 * 1024, what: 'a profile', label: 'big.yaml' }));
    expect(error).toMatchObject({ code: 'too-large', file: 'big.yaml', message: 'is 2.0 MiB; Flightdeck reads a profile up to 1 MiB.' });
    // One byte over still says so, in bytes, rather than "1.0 MB; up to 1.0 MB".
    fs.truncateSync(file, 1024 * 1024 + 1);
    expect(syncRefusal(() => readRegularFileSync(file, { maxBytes: 1024 * 1024 })).message).toBe('is 1048577 bytes; Flightdeck reads this file up to 1048576 bytes.');
  });

  it('says a missing file does not exist, and a cancelled read was cancelled', async () => {
    const missing = path.join(dir, 'missing.md');
    expect(await refusal(readRegularFile(missing, { maxBytes: 10 }))).toMatchObject({ code: 'not-found', file: missing, message: 'does not exist.' });
    const file = path.join(dir, 'cancelled.md');
    fs.writeFileSync(file, 'text');
    const controller = new AbortController();
    controller.abort();
    expect(await refusal(readRegularFile(file, { maxBytes: 10, signal: controller.signal }))).toMatchObject({ code: 'timeout', file });
    expect(() => refuseNonRegularSync(missing)).not.toThrow();
  });
});

describe('files Flightdeck reads synchronously', () => {
  it('the vault: none yet is null; a FIFO in its place is refused naming it', async () => {
    expect(readVaultFile(path.join(dir, 'no-vault.json'))).toBeNull();
    const fifo = await mkfifo('vault-fifo.json');
    expect(syncRefusal(() => readVaultFile(fifo))).toMatchObject({ file: fifo, message: expect.stringMatching(/^is a FIFO/) });
  });

  it("a session's recorded metrics: a FIFO in their place is refused naming it", async () => {
    const fifo = await mkfifo('metrics.jsonl');
    expect(syncRefusal(() => readRecordedMetrics(fifo))).toMatchObject({ file: fifo, message: expect.stringMatching(/^is a FIFO/) });
  });
});
