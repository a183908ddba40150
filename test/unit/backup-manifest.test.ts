/**
 * SHA256SUMS is the seal of a backup: written in sha256sum's own format so
 * the standard tool checks it, and read back strictly, naming the line
 * that is wrong.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatManifest, parseManifest } from '../../src/main/services/backups/manifest';
import { FlightdeckError } from '../../src/shared/errors';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('SHA256SUMS', () => {
  it('writes sorted "hash  name" lines that read back to the same entries', () => {
    const entries = [
      { path: 'database.dump', sha256: sha('dump') },
      { path: 'backup.json', sha256: sha('meta') },
      { path: 'shop/orders.bson', sha256: sha('orders') },
    ];
    const text = formatManifest(entries);
    expect(text).toBe(`${sha('meta')}  backup.json\n${sha('dump')}  database.dump\n${sha('orders')}  shop/orders.bson\n`);
    expect(parseManifest(text, 'SHA256SUMS')).toEqual([entries[1], entries[0], entries[2]]);
  });

  it('accepts the binary-mode marker sha256sum -b writes', () => {
    expect(parseManifest(`${sha('x')} *data.rdb\n`, 'SHA256SUMS')).toEqual([{ path: 'data.rdb', sha256: sha('x') }]);
  });

  it.each([
    ['a truncated hash', `${sha('a').slice(0, 40)}  backup.json\n`, 1, /Not a sha256sum line/],
    ['a path outside the backup', `${sha('a')}  backup.json\n${sha('b')}  ../etc/passwd\n`, 2, /outside the backup/],
    ['an absolute path', `${sha('a')}  /etc/passwd\n`, 1, /outside the backup/],
    ['a file listed twice', `${sha('a')}  backup.json\n${sha('b')}  backup.json\n`, 2, /twice/],
  ])('refuses %s, naming the line', (_what, text, line, message) => {
    const error = (() => {
      try {
        parseManifest(text, '/b/SHA256SUMS');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(FlightdeckError);
    expect((error as FlightdeckError).message).toMatch(message);
    expect((error as FlightdeckError).file).toBe('/b/SHA256SUMS');
    expect((error as FlightdeckError).line).toBe(line);
  });

  it('refuses to write a name sha256sum would have to escape', () => {
    expect(() => formatManifest([{ path: 'a\nb', sha256: sha('x') }])).toThrow(/line break/);
  });
});
