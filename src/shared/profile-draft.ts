/**
 * A profile draft (issue 15): what Flightdeck proposes to bind a runbook to
 * live targets, each proposal with the runbook line it came from. Main
 * drafts it (src/main/services/profile-draft); the CLI prints it as YAML;
 * the "Make this runbook live" form shows it and sends back the person's
 * choices. Entries are profile entries whose strings may hold `<FIELD>`
 * tokens: the placeholders the person fills.
 */
import { z } from 'zod';

/** A value the person must supply: a host the runbook only names as `your-app.com`, `<host>` or `${VAR}`. */
export const DraftFieldSchema = z.object({
  key: z.string(),
  label: z.string(),
  /** What the runbook wrote in its place. */
  written: z.string(),
  /** Example of a value that fits. */
  example: z.string(),
  /** First line of the runbook that needs it. */
  line: z.number().int(),
});
export type DraftField = z.infer<typeof DraftFieldSchema>;

export const PROPOSAL_KINDS = ['probe', 'flag', 'backup', 'command', 'rollback', 'trigger'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

/** Where in the entry a vault secret goes, and the name the runbook suggests. */
export const SecretSlotSchema = z.object({
  path: z.array(z.string()),
  suggested: z.string(),
  prefix: z.string().optional(),
  /** Required by the schema (a platform token); otherwise the slot may stay empty. */
  required: z.boolean(),
  /** Filled with the suggested name unless the person says otherwise: the runbook itself sends it. */
  preset: z.boolean(),
  /** Where the secret goes (an origin, maybe a `<KEY>` token to fill): the scope offered when storing it now. */
  destination: z.string().nullable(),
  why: z.string(),
});
export type SecretSlot = z.infer<typeof SecretSlotSchema>;

export const DraftProposalSchema = z.object({
  id: z.string(),
  kind: z.enum(PROPOSAL_KINDS),
  title: z.string(),
  /** The line it came from (the first, when several name it) and that line's text. */
  line: z.number().int(),
  source: z.string(),
  /** Every line that names it. */
  lines: z.array(z.number().int()),
  entry: z.record(z.string(), z.unknown()),
  /** Keys of the fields its entry uses. */
  fields: z.array(z.string()),
  secret: SecretSlotSchema.nullable(),
  /** Proposals of the same group are alternatives: at most one is accepted (flag backends of one flag). */
  group: z.string().nullable(),
  /** Accepted unless the person ignores it. */
  accepted: z.boolean(),
  note: z.string().nullable(),
  /** An entry of the profile already beside the runbook (its line is the profile's, `source` names the file), not a proposal from the runbook. */
  existing: z.boolean().optional(),
});
export type DraftProposal = z.infer<typeof DraftProposalSchema>;

export const ProfileDraftSchema = z.object({
  runbook: z.string(),
  fields: z.array(DraftFieldSchema),
  proposals: z.array(DraftProposalSchema),
});
export type ProfileDraft = z.infer<typeof ProfileDraftSchema>;

/** The person's answer to one proposal. `secret: null` leaves an optional slot out. */
export const ProposalChoiceSchema = z.object({
  accepted: z.boolean(),
  secret: z.string().max(64).nullable().optional(),
  /** A trigger's threshold and duration as the person corrected them (in the metric's unit, seconds). */
  value: z.number().finite().optional(),
  forSeconds: z.number().min(0).max(30 * 86_400).optional(),
  /** A trigger's band as the person chose it: an alarm (red) or a warning (yellow). */
  severity: z.enum(['yellow', 'red']).optional(),
  /** The target URL as the person changed it (a probe's or backup's url, an http flag's backend url). */
  url: z.string().min(1).max(2048).optional(),
});
export type ProposalChoice = z.infer<typeof ProposalChoiceSchema>;

export const DraftChoicesSchema = z.object({
  values: z.record(z.string(), z.string().max(2048)),
  proposals: z.record(z.string(), ProposalChoiceSchema),
});
export type DraftChoices = z.infer<typeof DraftChoicesSchema>;

/** `<KEY>` tokens: the one spelling of a placeholder, in entries, YAML and the form. */
export const FIELD_TOKEN = /<([A-Z][A-Z0-9_]*)>/g;
export function fieldToken(key: string): string {
  return `<${key}>`;
}
