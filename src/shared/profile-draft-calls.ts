/** What the "Make this runbook live" calls answer (contract.ts names the calls). */
import { z } from 'zod';
import { ProfileDraftSchema } from './profile-draft';

export const DraftViewSchema = z.object({
  draft: ProfileDraftSchema,
  /** The file saving writes, beside the runbook. */
  fileName: z.string(),
  /** It exists already: saving replaces it only once the person confirms. */
  exists: z.boolean(),
});
export type DraftView = z.infer<typeof DraftViewSchema>;

export const DraftTestResultSchema = z.object({
  ok: z.boolean(),
  /** Where it went, without credentials. */
  target: z.string(),
  message: z.string(),
  latencyMs: z.number().nullable(),
});
export type DraftTestResult = z.infer<typeof DraftTestResultSchema>;
