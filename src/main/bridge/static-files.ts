/**
 * Serves the built renderer: only regular files under its directory, by
 * exact path, with a fixed list of content types (renderer-files decides
 * which path names which file). No directory listings, no dotfiles, no way
 * up with "..".
 */
import { readFile, stat } from 'node:fs/promises';
import { resolveRendererPath } from '../app/renderer-files';

export async function readStatic(root: string, urlPath: string): Promise<{ body: Buffer; type: string } | null> {
  const decided = resolveRendererPath(root, urlPath);
  if (!decided.ok) return null;
  try {
    if (!(await stat(decided.file)).isFile()) return null;
    return { body: await readFile(decided.file), type: decided.mimeType };
  } catch {
    return null;
  }
}
