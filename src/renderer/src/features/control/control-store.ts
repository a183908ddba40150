/**
 * The control side's own store (vault, flags, commands, actions, the
 * rollback run), kept apart from the checklist store so a burst of command
 * output or rollback progress never re-renders the checklist. It holds
 * what main said and what the panel must remember between renders; it
 * never holds a secret value or a passphrase.
 */
import { create } from 'zustand';
import type { ActionRecord, ControlState, FlagView, RollbackRun, VaultStatus } from '../../../../shared/control-model';
import type { ErrorInfo } from '../../../../shared/errors';
import { appendOutput, EMPTY_OUTPUT, type OutputBuffer, type OutputChunk } from './control-output';
import { fresherAction, fresherRun, mergeControl, upsertAction } from './control-merge';

/** Output buffers kept (one per command run), oldest dropped first. */
const OUTPUTS_KEPT = 10;

export interface ControlStore {
  control: ControlState | null;
  /** Why the control state could not be read; null once it has been. */
  loadError: ErrorInfo | null;
  /** Command output per action id, bounded. */
  outputs: Record<string, OutputBuffer>;
  /** Action ids with output, oldest first. */
  outputOrder: string[];
  /** The operator's last write per flag, kept current by actionUpdated; cleared when a rollback starts. */
  flagOutcomes: Record<string, ActionRecord>;
  rollbackOpen: boolean;
  replaceControl(state: ControlState): void;
  setLoadError(error: ErrorInfo): void;
  applyAction(record: ActionRecord): void;
  applyOutput(actionId: string, chunk: OutputChunk): void;
  applyRollback(run: RollbackRun): void;
  setVault(vault: VaultStatus): void;
  setFlagView(flag: FlagView): void;
  setFlagOutcome(flag: string, record: ActionRecord): void;
  setRollbackOpen(open: boolean): void;
}

export const useControl = create<ControlStore>()((set) => ({
  control: null,
  loadError: null,
  outputs: {},
  outputOrder: [],
  flagOutcomes: {},
  rollbackOpen: false,
  replaceControl: (state) => set((s) => ({ control: mergeControl(s.control, state), loadError: null })),
  setLoadError: (loadError) => set({ loadError }),
  applyAction: (record) =>
    set((s) => {
      const flagOutcomes = { ...s.flagOutcomes };
      for (const [flag, known] of Object.entries(flagOutcomes)) if (known.id === record.id) flagOutcomes[flag] = fresherAction(known, record);
      return { flagOutcomes, control: s.control && { ...s.control, actions: upsertAction(s.control.actions, record) } };
    }),
  applyOutput: (actionId, chunk) =>
    set((s) => {
      const known = actionId in s.outputs;
      const outputs = { ...s.outputs, [actionId]: appendOutput(s.outputs[actionId] ?? EMPTY_OUTPUT, chunk) };
      let outputOrder = known ? s.outputOrder : [...s.outputOrder, actionId];
      while (outputOrder.length > OUTPUTS_KEPT) {
        delete outputs[outputOrder[0]!];
        outputOrder = outputOrder.slice(1);
      }
      return { outputs, outputOrder };
    }),
  applyRollback: (run) =>
    set((s) => {
      if (!s.control) return {};
      // A new rollback supersedes the operator's last writes: their outcomes would contradict the value it leaves.
      const newRun = s.control.rollback?.id !== run.id;
      return { control: { ...s.control, rollback: fresherRun(s.control.rollback, run) }, ...(newRun ? { flagOutcomes: {} } : {}) };
    }),
  setVault: (vault) => set((s) => ({ control: s.control && { ...s.control, vault } })),
  setFlagView: (flag) => set((s) => ({ control: s.control && { ...s.control, flags: s.control.flags.map((f) => (f.name === flag.name ? flag : f)) } })),
  setFlagOutcome: (flag, record) =>
    set((s) => ({
      flagOutcomes: { ...s.flagOutcomes, [flag]: record },
      control: s.control && { ...s.control, actions: upsertAction(s.control.actions, record) },
    })),
  setRollbackOpen: (rollbackOpen) => set({ rollbackOpen }),
}));
