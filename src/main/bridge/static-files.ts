/**
 * Serves the built renderer: only regular files under its directory, by
 * exact path, with a fixed list of content types. No directory listings, no
 * dotfiles, no way up with "..".
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

export async function readStatic(root: string, urlPath: string): Promise<{ body: Buffer; type: string } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '');
  if (relative.startsWith('..') || relative.split(/[/\\]/).some((part) => part.startsWith('.'))) return null;
  const full = join(root, relative);
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const type = TYPES[extname(full)];
  if (!type) return null;
  try {
    if (!(await stat(full)).isFile()) return null;
    return { body: await readFile(full), type };
  } catch {
    return null;
  }
}
