/** How the control panel writes times and command lines: a copied command must paste back as the same argv. */
import { describe, expect, it } from 'vitest';
import { argvText, between } from '../../src/renderer/src/features/control/format';

describe('control panel formatting', () => {
  it('the time between two moments is in milliseconds, or null when one is missing', () => {
    expect(between('2025-01-01T02:00:00.000Z', '2025-01-01T02:00:00.420Z')).toBe(420);
    expect(between('2025-01-01T02:00:00.000Z', null)).toBeNull();
  });

  it('a copied command line quotes every argument a shell would split or expand, and only those', () => {
    const argv = ['kubectl', 'rollout', 'undo', 'deploy/shop', '--to-revision=3', ';rm -rf /', '$(id)', "it's", 'two\nlines', '', '-h evil'];
    expect(argvText(argv)).toBe(`kubectl rollout undo deploy/shop --to-revision=3 ';rm -rf /' '$(id)' 'it'\\''s' 'two\nlines' '' '-h evil'`);
  });
});
