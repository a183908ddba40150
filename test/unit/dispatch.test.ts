import { describe, expect, it } from 'vitest';
import { dispatchCall, type Handlers } from '../../src/main/app/dispatch';
import { FlightdeckError } from '../../src/shared/errors';
import { CALL_NAMES } from '../../src/shared/contract';

const logged: string[] = [];
const log = { info: () => undefined, warn: () => undefined, error: (m: string, e?: unknown) => void logged.push(`${m} ${String(e)}`) };

function handlers(overrides: Partial<Handlers>): Handlers {
  const refuse = () => {
    throw new Error('not under test');
  };
  return Object.fromEntries(CALL_NAMES.map((name) => [name, overrides[name] ?? refuse])) as unknown as Handlers;
}

describe('dispatching a call from a renderer', () => {
  it('refuses names the contract does not have, including prototype tricks', async () => {
    for (const name of ['runShell', '__proto__', 'constructor', 'toString', 'tickItem;rm']) {
      expect(await dispatchCall(handlers({}), name, {}, log)).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    }
  });

  it('validates input before the handler runs, naming the field', async () => {
    let ran = false;
    const h = handlers({
      tickItem: () => {
        ran = true;
        throw new Error('unreachable');
      },
    });
    expect(await dispatchCall(h, 'tickItem', { itemId: 'a', checked: 'yes' }, log)).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'checked' } });
    expect(await dispatchCall(h, 'tickItem', { itemId: 'a', checked: true, extra: 1 }, log)).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(await dispatchCall(h, 'addNote', { itemId: 'a', text: '   ' }, log)).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'text' } });
    expect(ran).toBe(false);
  });

  it('keeps the fields of a FlightdeckError across the boundary', async () => {
    const h = handlers({
      openRunbookPath: () => {
        throw new FlightdeckError('encoding', 'is not valid UTF-8', { file: 'x.md', line: 3, column: 9 });
      },
    });
    expect(await dispatchCall(h, 'openRunbookPath', { path: '/x.md' }, log)).toEqual({
      ok: false,
      error: { code: 'encoding', message: 'is not valid UTF-8', file: 'x.md', line: 3, column: 9 },
    });
  });

  it('answers an unexpected failure with a generic message and logs the details instead', async () => {
    const h = handlers({
      getCockpit: () => {
        throw new Error('ENOENT /home/alice/.secret/path');
      },
    });
    const result = await dispatchCall(h, 'getCockpit', {}, log);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('/home/alice');
    expect(logged.join('\n')).toContain('/home/alice');
  });
});
