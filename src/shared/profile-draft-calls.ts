/** What the "Make this runbook live" calls answer (contract.ts names the calls). */
import { z } from 'zod';
import { ProfileDraftSchema } from './profile-draft';

/** An entry of the existing profile the form cannot show: saving keeps it as written. */
export const DraftKeptSchema = z.object({ what: z.string(), line: z.number().int() });
export type DraftKept = z.infer<typeof DraftKeptSchema>;

export const DraftViewSchema = z.object({
  draft: ProfileDraftSchema,
  /** The file saving writes, beside the runbook. */
  fileName: z.string(),
  /** It exists already: saving replaces it only once the person confirms. */
  exists: z.boolean(),
  /** The form starts from that file: its entries are the accepted proposals, saving edits it in place. */
  editing: z.boolean(),
  /** What the form leaves as written in that file. */
  kept: z.array(DraftKeptSchema),
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
