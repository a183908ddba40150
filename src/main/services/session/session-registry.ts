/**
 * Remembers which session belongs to which runbook, so opening the same
 * checklist again (after closing the app, a crash or a power cut) resumes
 * its session instead of starting over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../storage/durable-fs';
import { makePrivateDir } from '../storage/private-fs';
import { slug } from '../runbook/ids';
import { newSessionId } from './session';

const IndexSchema = z.object({
  version: z.literal(1),
  byRunbook: z.record(z.string(), z.string()),
  last: z.string().nullable(),
});
type Index = z.infer<typeof IndexSchema>;

/** How a runbook is known across launches. */
export type RunbookKey = `file:${string}` | 'demo' | `import:${string}`;

export class SessionRegistry {
  private readonly indexPath: string;

  constructor(
    readonly root: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    makePrivateDir(root);
    this.indexPath = join(root, 'index.json');
  }

  /** The session directory last used for this runbook, if it still exists. */
  find(key: RunbookKey): string | null {
    const dir = this.read().byRunbook[key];
    return dir && existsSync(join(dir, 'journal.jsonl')) ? dir : null;
  }

  remember(key: RunbookKey, dir: string): void {
    const index = this.read();
    index.byRunbook[key] = dir;
    index.last = key;
    writeFileAtomic(this.indexPath, Buffer.from(JSON.stringify(index, null, 2)));
  }

  /** The runbook open when the app last closed. */
  last(): { key: RunbookKey; dir: string } | null {
    const index = this.read();
    if (!index.last) return null;
    const dir = this.find(index.last as RunbookKey);
    return dir ? { key: index.last as RunbookKey, dir } : null;
  }

  newSessionDir(title: string): string {
    return join(this.root, `${newSessionId(this.clock)}-${slug(title, 32) || 'runbook'}`);
  }

  private read(): Index {
    try {
      const parsed = IndexSchema.safeParse(JSON.parse(readFileSync(this.indexPath, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // missing or unreadable: start a fresh index; sessions themselves are untouched
    }
    return { version: 1, byRunbook: {}, last: null };
  }
}
