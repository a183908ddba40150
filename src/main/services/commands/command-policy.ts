/**
 * Which programs may run: only those on the profile's `commands.allow`.
 * An entry is a program name, found on PATH when the command is checked
 * (not when the profile was loaded, so a PATH change cannot slip another
 * binary in between), or an absolute path. The answer is always the
 * absolute path that will be spawned; anything else is refused with a
 * message naming the program and the allowlist.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import { FlightdeckError } from '../../../shared/errors';

export class CommandPolicy {
  constructor(
    private readonly allow: readonly string[],
    /** The PATH programs are looked up on (the one given to the children). */
    private readonly searchPath: string = process.env.PATH ?? '',
  ) {}

  get allowlist(): readonly string[] {
    return this.allow;
  }

  /** Whether `program` is on the allowlist, by name or by path, without touching the disk. */
  isAllowed(program: string): boolean {
    return this.matchingEntry(program) !== null;
  }

  /** The absolute path to spawn for `program`; throws FlightdeckError('forbidden' | 'not-found'). */
  resolve(program: string): string {
    const entry = this.matchingEntry(program);
    if (entry === null) {
      const list = this.allow.length > 0 ? this.allow.join(', ') : 'empty';
      throw new FlightdeckError(
        'forbidden',
        `"${program}" is not on the profile's allowlist (commands.allow: ${list}); add it there to let it run.`,
        { field: 'commands.allow' },
      );
    }
    const path = isAbsolute(entry) ? entry : this.lookUp(entry);
    if (!path || !isExecutableFile(path)) {
      throw new FlightdeckError(
        'not-found',
        isAbsolute(entry) ? `"${entry}" is allowlisted but is not an executable file.` : `"${entry}" is allowlisted but was not found on PATH (${this.searchPath || 'empty'}).`,
        { field: 'commands.allow' },
      );
    }
    return path;
  }

  /**
   * The allowlist entry that admits `program`: the same name, the same
   * absolute path, or a bare name whose allowlisted absolute path has that
   * name. Relative paths ("./deploy.sh") are never admitted: what they name
   * depends on the working directory.
   */
  private matchingEntry(program: string): string | null {
    if (program === '' || (!isAbsolute(program) && program.includes('/'))) return null;
    if (isAbsolute(program)) {
      if (this.allow.includes(program)) return program;
      const name = basename(program);
      if (this.allow.includes(name) && this.lookUp(name) === program) return program;
      return null;
    }
    if (this.allow.includes(program)) return program;
    return this.allow.find((entry) => isAbsolute(entry) && basename(entry) === program) ?? null;
  }

  private lookUp(name: string): string | null {
    for (const dir of this.searchPath.split(delimiter)) {
      if (!isAbsolute(dir)) continue; // an empty or relative PATH entry means the working directory
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
    return null;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
