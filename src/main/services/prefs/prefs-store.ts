/**
 * The operator's preferences: who is flying (recorded with every journal
 * entry) and the theme. Small, validated, written atomically.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { PrefsSchema, type Prefs } from '../../../shared/contract';
import { checkPersonName, personNameProblem } from '../../../shared/person-name';
import { writeFileAtomic } from '../storage/durable-fs';
import { makePrivateDir } from '../storage/private-fs';

function defaultOperator(): string {
  try {
    const name = userInfo().username;
    // The prefs schema refuses control and bidirectional characters in the operator; so does the default.
    return name && personNameProblem(name) === null ? name : 'operator';
  } catch {
    return 'operator';
  }
}

export class PrefsStore {
  private prefs: Prefs;

  constructor(private readonly path: string) {
    this.prefs = this.read();
  }

  get(): Prefs {
    return { ...this.prefs };
  }

  update(change: Partial<Prefs>): Prefs {
    checkPersonName(change.operator, 'The operator name', 'operator');
    this.prefs = PrefsSchema.parse({ ...this.prefs, ...change });
    makePrivateDir(dirname(this.path));
    writeFileAtomic(this.path, Buffer.from(JSON.stringify(this.prefs, null, 2)));
    return this.get();
  }

  private read(): Prefs {
    const fallback: Prefs = { operator: defaultOperator(), theme: 'dark' };
    try {
      const parsed = PrefsSchema.partial().safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      return parsed.success ? { ...fallback, ...parsed.data } : fallback;
    } catch {
      return fallback;
    }
  }
}
