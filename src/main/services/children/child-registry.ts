/**
 * The children this process runs, on disk, so the next start can kill what
 * a crash left running even when the watchdog went down with it (a SIGKILL
 * of the whole process group, the OOM killer). One file per owner process,
 * `<dir>/<pid>.json`, written only by that process, so a CLI and the app
 * sharing a data directory never write the same file. Each entry carries
 * the start time the kernel gives the process (/proc/<pid>/stat), so a pid
 * the system has since handed to another program is never killed.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessIdentity {
  /** Clock ticks after boot at which the process started: with the pid, unique until reboot. */
  start: string;
  /** Its process group. */
  group: number;
}

export interface ChildEntry {
  pid: number;
  start: string;
  group: number;
  program: string;
}

interface RegistryFile {
  owner: { pid: number; start: string };
  children: ChildEntry[];
}

/** Start time and process group from /proc/<pid>/stat; null when the process is gone or there is no /proc. */
export function processIdentity(pid: number): ProcessIdentity | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): field 5 is fields[2], field 22 is fields[19].
  const group = Number(fields[2]);
  const start = fields[19];
  if (!start || !Number.isInteger(group) || fields[0] === 'Z') return null;
  return { start, group };
}

/** Whether `pid` is still the very process that was recorded. */
function sameProcess(pid: number, start: string): ProcessIdentity | null {
  const now = processIdentity(pid);
  return now && now.start === start ? now : null;
}

export interface Leftover {
  pid: number;
  program: string;
  owner: number;
}

/**
 * Kills children recorded by owners that no longer run (their pid is gone,
 * or it now belongs to another process) and that still run themselves,
 * with their whole process group; removes those owners' files. Returns what
 * it killed. Without /proc (not Linux) nothing can be proven ours, so
 * nothing is killed and the files are kept.
 */
export function killLeftovers(dir: string): Leftover[] {
  if (processIdentity(process.pid) === null) return [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return [];
  }
  const killed: Leftover[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let recorded: RegistryFile;
    try {
      recorded = JSON.parse(readFileSync(file, 'utf8')) as RegistryFile;
    } catch {
      // Torn by a crash mid-write (written through a rename, so unlikely) or not ours: nothing in it can be trusted.
      rmSync(file, { force: true });
      continue;
    }
    if (recorded.owner.pid === process.pid || sameProcess(recorded.owner.pid, recorded.owner.start)) continue;
    for (const child of recorded.children ?? []) {
      const now = sameProcess(child.pid, child.start);
      if (!now) continue;
      try {
        // The group too, when it is still the one the watchdog led: what the program started goes with it.
        process.kill(now.group === child.group ? -child.group : child.pid, 'SIGKILL');
        killed.push({ pid: child.pid, program: child.program, owner: recorded.owner.pid });
      } catch {
        // Gone in the meantime, or not ours to signal.
      }
    }
    rmSync(file, { force: true });
  }
  return killed;
}

/** This process's own record of the children it runs. */
export class ChildRegistry {
  private readonly children = new Map<number, ChildEntry>();
  private readonly file: string;
  private readonly owner: { pid: number; start: string } | null;

  constructor(readonly dir: string) {
    this.file = join(dir, `${process.pid}.json`);
    const me = processIdentity(process.pid);
    this.owner = me ? { pid: process.pid, start: me.start } : null;
  }

  /** Records a running child (a no-op without /proc: it could not be told apart from a recycled pid later). */
  add(pid: number, program: string): void {
    if (!this.owner) return;
    const identity = processIdentity(pid);
    if (!identity) return;
    this.children.set(pid, { pid, start: identity.start, group: identity.group, program });
    this.write();
  }

  remove(pid: number): void {
    if (!this.children.delete(pid)) return;
    this.write();
  }

  private write(): void {
    if (!this.owner) return;
    try {
      if (this.children.size === 0) {
        rmSync(this.file, { force: true });
        return;
      }
      mkdirSync(this.dir, { recursive: true });
      const temp = `${this.file}.tmp`;
      writeFileSync(temp, JSON.stringify({ owner: this.owner, children: [...this.children.values()] } satisfies RegistryFile), { mode: 0o600 });
      // A rename, so the next start reads the old list or the new one, never half of one.
      renameSync(temp, this.file);
    } catch {
      // A record that cannot be written costs only the sweep at the next start: the watchdog still ends the child with us.
    }
  }
}
