/**
 * One zustand store made of three slices: what main said (cockpit), what
 * the operator is looking at (ui), and what calls have to report
 * (feedback). Components read it through narrow selectors so that ticking
 * one item re-renders that item's row, its phase's progress and little else.
 */
import { create } from 'zustand';
import { createCockpitSlice, type CockpitSlice } from './cockpit-slice';
import { createFeedbackSlice, type FeedbackSlice } from '../../shell/feedback-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

export type Store = CockpitSlice & UiSlice & FeedbackSlice;

export const useStore = create<Store>()((...args) => ({
  ...createCockpitSlice(...args),
  ...createUiSlice(...args),
  ...createFeedbackSlice(...args),
}));
