/** The press-and-hold that guards the rollback: only a full hold starts it. */
import { describe, expect, it } from 'vitest';
import { advance, HOLD_MS, holdProgress, IDLE, press, release, type HoldState } from '../../src/renderer/src/features/control/hold';

describe('hold to confirm', () => {
  it('needs the full 1.5 s: a frame before that keeps holding, a frame at it completes with the measured time', () => {
    expect(HOLD_MS).toBe(1500);
    const held = press(IDLE, 1000, 'pointer');
    expect(advance(held, 2499)).toEqual(held);
    expect(holdProgress(held, 1750)).toBeCloseTo(0.5);
    expect(advance(held, 2520)).toEqual({ phase: 'done', heldMs: 1520 });
  });

  it('releasing early cancels and says after how long; nothing completes later', () => {
    const held = press(IDLE, 0, 'pointer');
    const released = release(held, 600);
    expect(released).toEqual({ phase: 'idle', cancelledAfterMs: 600 });
    expect(advance(released, 5000)).toEqual(released);
    expect(holdProgress(released, 5000)).toBe(0);
  });

  it('a release after the full time completes even when no frame ran in between', () => {
    expect(release(press(IDLE, 0, 'key'), 1600)).toEqual({ phase: 'done', heldMs: 1600 });
  });

  it('a repeated key press while holding does not restart the count', () => {
    const held = press(IDLE, 0, 'key');
    const repeated = press(held, 900, 'key');
    expect(repeated).toEqual(held);
    expect(advance(repeated, 1500)).toEqual({ phase: 'done', heldMs: 1500 });
  });

  it('a finished hold stays finished: pressing or releasing again starts nothing new', () => {
    const done: HoldState = { phase: 'done', heldMs: 1510 };
    expect(press(done, 9000, 'pointer')).toBe(done);
    expect(release(done, 9100)).toBe(done);
    expect(holdProgress(done, 0)).toBe(1);
  });

  it('may be tried again after a cancelled hold', () => {
    const cancelled = release(press(IDLE, 0, 'pointer'), 300);
    const again = press(cancelled, 1000, 'pointer');
    expect(again).toEqual({ phase: 'holding', since: 1000, by: 'pointer' });
    expect(advance(again, 2400).phase).toBe('holding');
    expect(advance(again, 2500)).toEqual({ phase: 'done', heldMs: 1500 });
  });
});
