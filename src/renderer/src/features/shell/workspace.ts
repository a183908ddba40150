/**
 * Clean switches (issue 14): what the operator sees belongs to one runbook
 * in one session. When another runbook or session opens, every panel's
 * results, banners and forms go: the per-feature stores are reset here,
 * and the shell remounts the workspace under workspaceKey, so state kept
 * inside components (export and verify results, gate and reason forms, the
 * flag confirmation, the rollback dialog) starts fresh as well. The same
 * runbook coming back (a reconnect, a tick written to the file) keeps it all.
 */
import type { Cockpit } from '../../../../shared/contract';
import { useBackupProgress } from '../backup/backup-progress';
import { useControl } from '../control/control-store';
import { useStore } from '../checklist/store/store';
import { resetTimeline } from '../timeline/timeline-store';

/** One runbook (by where it came from) in one session; '' with nothing open. */
export function workspaceKey(cockpit: Pick<Cockpit, 'runbook' | 'session'> | null): string {
  const source = cockpit?.runbook?.source;
  if (!source) return '';
  return `${source.origin}:${source.path ?? source.name}|${cockpit?.session?.id ?? ''}`;
}

/**
 * Resets every panel whenever the cockpit in the store moves to another
 * runbook or session, whoever put it there (an event, a resync, the answer
 * to "new session" or "open"). Returns the unsubscribe.
 */
export function watchWorkspace(): () => void {
  return useStore.subscribe((state, previous) => {
    if (previous.cockpit !== null && state.cockpit !== previous.cockpit && workspaceKey(previous.cockpit) !== workspaceKey(state.cockpit)) resetPanels();
  });
}

/** What the panels remember of the runbook or session before: results, banners, forms, open dialogs. */
export function resetPanels(): void {
  useStore.setState({ error: null, confirmation: null, notice: null, search: '', noteEditorFor: null });
  useControl.setState({ flagOutcomes: {}, outputs: {}, outputOrder: [], rollbackOpen: false });
  useBackupProgress.setState({ byAction: {} });
  resetTimeline();
}
