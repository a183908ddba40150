/**
 * The calls of "Make this runbook live": the draft, a one-off test of one
 * proposal, and the save, whose answer (the reopened runbook, now with its
 * profile under review) replaces the store's cockpit.
 */
import type { DraftChoices } from '../../../../shared/profile-draft';
import type { DraftTestResult, DraftView } from '../../../../shared/profile-draft-calls';
import { api } from '../../api';
import { useStore } from '../checklist/store/store';

export function loadDraft(): Promise<DraftView> {
  return api.draftProfile();
}

export function testProposal(proposalId: string, choices: DraftChoices, approvedOrigin: string): Promise<DraftTestResult> {
  return api.testDraftProposal({ proposalId, choices, approvedOrigin });
}

export async function saveDraft(choices: DraftChoices, overwrite: boolean, editing: boolean): Promise<void> {
  useStore.getState().replaceCockpit(await api.saveDraftProfile({ choices, overwrite, editing }));
}
