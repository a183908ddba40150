/**
 * What calls in flight and calls that finished have to tell the operator:
 * the last error (one banner, replaced by the next, so it never piles up
 * at 2 a.m.), a short confirmation, a warning main sent with an answer
 * (a secret taken out of a note), and which ticks are waiting for disk.
 */
import type { StateCreator } from 'zustand';
import { FlightdeckError, formatError, type ErrorInfo } from '../../../../shared/errors';
import type { Store } from '../checklist/store/store';

export interface Shown<T> {
  /** Changes each time, so a repeated message is still noticed as new. */
  id: number;
  value: T;
}

export interface FeedbackSlice {
  error: Shown<ErrorInfo> | null;
  confirmation: Shown<string> | null;
  /** A warning that came with a successful answer. */
  notice: Shown<string> | null;
  /** Item id -> the checked state a tick call in flight asks for. */
  pendingTicks: Record<string, boolean>;
  showError(err: unknown): void;
  dismissError(): void;
  showConfirmation(text: string): void;
  dismissConfirmation(): void;
  showNotice(text: string): void;
  dismissNotice(): void;
  setPendingTick(itemId: string, checked: boolean | null): void;
}

let counter = 0;

/** Any thrown value as the fields formatError expects. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof FlightdeckError) return err.toInfo();
  if (err instanceof Error) return { code: 'internal', message: err.message || err.name };
  return { code: 'internal', message: String(err) };
}

/** Any thrown value as the sentence a control shows beside itself. */
export function errorText(err: unknown): string {
  return formatError(toErrorInfo(err));
}

export const createFeedbackSlice: StateCreator<Store, [], [], FeedbackSlice> = (set) => ({
  error: null,
  confirmation: null,
  notice: null,
  pendingTicks: {},
  showError: (err) => set({ error: { id: ++counter, value: toErrorInfo(err) } }),
  dismissError: () => set({ error: null }),
  showConfirmation: (text) => set({ confirmation: { id: ++counter, value: text } }),
  dismissConfirmation: () => set({ confirmation: null }),
  showNotice: (text) => set({ notice: { id: ++counter, value: text } }),
  dismissNotice: () => set({ notice: null }),
  setPendingTick: (itemId, checked) =>
    set((state) => {
      const pendingTicks = { ...state.pendingTicks };
      if (checked === null) delete pendingTicks[itemId];
      else pendingTicks[itemId] = checked;
      return { pendingTicks };
    }),
});
