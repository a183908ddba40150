/**
 * Which checklist items a backup satisfies. Every runbook the team uses
 * opens with "Database backup created" and, in the careful ones, "Backup
 * verified (restore test in staging)"; others say it with a pg_dump or
 * mongodump code block. A profile target's `item:` names the item exactly
 * when the wording differs.
 */
import type { RunbookDoc, TaskItem } from '../../../shared/runbook-model';
import type { BackupTargetConfig } from '../profile/backups-schema';

export interface BackupItems {
  /** Item the backup ticks when verified, per target name. */
  backup: Record<string, string | null>;
  /** The restore-test item ("Backup verified (restore test ...)"), when the runbook has one. */
  restoreTest: string | null;
}

const BACKUP_WORDING = /\b(database|db|full|production)\s+backups?\s+(created|taken|done)\b|\b(create|take)\s+(a\s+)?(full\s+)?(production\s+|database\s+)?backup\b/i;
const RESTORE_TEST_WORDING = /\bbackups?\b.*\b(verified|integrity|restore[- ]test)|\brestore[- ]test\b/i;
const DUMP_COMMAND = /^\s*(\$\s*)?(pg_dump|mongodump|redis-cli\b.*--rdb)\b/m;

export function bindBackupItems(doc: RunbookDoc | null, targets: readonly BackupTargetConfig[]): BackupItems {
  if (!doc || targets.length === 0) return { backup: Object.fromEntries(targets.map((t) => [t.name, null])), restoreTest: null };
  const items = doc.items;
  const norm = (text: string) => text.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  const generic = items.find((item) => BACKUP_WORDING.test(item.text) && !RESTORE_TEST_WORDING.test(item.text)) ?? items.find(hasDumpCommand) ?? null;
  const backup: Record<string, string | null> = {};
  for (const target of targets) {
    const named = target.item ? items.find((item) => norm(item.text) === norm(target.item!)) : undefined;
    backup[target.name] = (named ?? generic)?.id ?? null;
  }
  const restoreTest = items.find((item) => RESTORE_TEST_WORDING.test(item.text) && !Object.values(backup).includes(item.id))?.id ?? null;
  return { backup, restoreTest };
}

function hasDumpCommand(item: TaskItem): boolean {
  return item.code.some((block) => DUMP_COMMAND.test(block.value));
}
