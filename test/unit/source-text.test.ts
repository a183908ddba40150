import { describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { decodeSource } from '../../src/main/services/runbook/source-text';

function error(bytes: Uint8Array): FlightdeckError {
  try {
    decodeSource(bytes, 'runbook.md');
  } catch (e) {
    return e as FlightdeckError;
  }
  throw new Error('expected a refusal');
}

describe('reading the bytes of a runbook', () => {
  it('refuses text that is not UTF-8, naming the line and column of the first bad byte', () => {
    const latin1 = Buffer.from('# Checklist\n\n- [ ] Caf\xe9 open\n', 'latin1');
    const e = error(latin1);
    expect(e.code).toBe('encoding');
    expect([e.file, e.line, e.column]).toEqual(['runbook.md', 3, 10]);
    expect(e.message).toMatch(/not valid UTF-8 \(byte 0xe9\)/);
  });

  it('refuses UTF-16 with a message that says what to do', () => {
    const e = error(Buffer.from([0xff, 0xfe, 0x23, 0x00]));
    expect(e.code).toBe('encoding');
    expect(e.message).toMatch(/UTF-16.*save it as UTF-8/);
  });

  it('refuses a file that is mostly NUL and control bytes instead of showing an empty runbook', () => {
    const nuls = error(Buffer.alloc(4096));
    expect(nuls).toMatchObject({ code: 'encoding', file: 'runbook.md', line: 1, column: 1 });
    expect(nuls.message).toBe('is not a text file: 100% of its characters are control bytes (NUL and the like; the first, 0x00, is here). Open the markdown checklist itself.');
    const mixed = error(Buffer.from(`# Title\n${'\x01\x02\x1b\x00'.repeat(50)}\n- [ ] x\n`));
    expect(mixed).toMatchObject({ code: 'encoding', line: 2, column: 1, message: expect.stringMatching(/^is not a text file: \d+% of its characters are control bytes/) });
    // A stray form feed or a pasted escape sequence in a real checklist is still text.
    const checklist = `# Deploy\n\n- [ ] Drain the node\f\n- [ ] Paste \x1b[31mred\x1b[0m output\n${'- [ ] Step\n'.repeat(20)}`;
    expect(decodeSource(Buffer.from(checklist), 'runbook.md').text).toBe(checklist);
  });

  it('refuses files over 10 MB', () => {
    expect(error(new Uint8Array(10 * 1024 * 1024 + 1)).code).toBe('too-large');
  });

  it('strips a UTF-8 byte order mark but remembers it for write-back, and hashes the raw bytes', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# T\n')]);
    const decoded = decodeSource(bytes, 'bom.md');
    expect(decoded).toMatchObject({ text: '# T\n', bom: true, bytes: 7 });
    expect(decoded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
