/**
 * Which complete backups of one name a retention rule lets go: keep the N
 * newest and/or drop those older than a number of days. The backup just
 * taken is never among them, whatever the rule says.
 */
export interface Retention {
  keep: number | null;
  maxAgeDays: number | null;
}

export interface Dated {
  dir: string;
  createdAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function expiredBackups<T extends Dated>(backups: readonly T[], retention: Retention, now: Date, newest: string): T[] {
  const sorted = [...backups].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return sorted.filter((backup, index) => {
    if (backup.dir === newest) return false;
    if (retention.keep !== null && index >= Math.max(1, retention.keep)) return true;
    if (retention.maxAgeDays !== null && now.getTime() - Date.parse(backup.createdAt) > retention.maxAgeDays * DAY_MS) return true;
    return false;
  });
}
