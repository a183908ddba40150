/**
 * The review panel's model (issue 15, "What Flightdeck read"): every
 * threshold, trigger, criterion, recognised command and binding read from
 * the runbook, with its line and the choice a person made for it.
 */
import { z } from 'zod';
import { COMPARATORS } from './metrics';

export const REVIEW_KINDS = ['threshold', 'trigger', 'criterion', 'command', 'binding'] as const;
/** 'read': no choice made yet (the runbook's reading applies). */
export const REVIEW_CHOICES = ['read', 'accept', 'ignore', 'edit'] as const;

export const ReviewItemSchema = z.object({
  kind: z.enum(REVIEW_KINDS),
  line: z.number().int(),
  /** Which threshold of a line with several. */
  metric: z.string().nullable(),
  /** And which band, when the line names one ("red flag: > 1%"). */
  severity: z.enum(['yellow', 'red']).nullable(),
  /** The runbook's words. */
  text: z.string(),
  /** What Flightdeck made of them: "error_rate > 2 % for 300 s", "native action: probe api", "copy-only: …". */
  reading: z.string(),
  choice: z.enum(REVIEW_CHOICES),
  /** 'review': the reader was not sure and a person should look (shown first, "needs review"). */
  confidence: z.enum(['sure', 'review']),
  /** It can start a rollback by itself: a change to it changes what was approved. */
  automatic: z.boolean(),
  /** The comparison, for an edit (thresholds and triggers only). */
  edit: z.object({ op: z.enum(COMPARATORS), value: z.number(), unit: z.string(), forSeconds: z.number() }).nullable(),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

export const ReviewStateSchema = z.object({
  items: z.array(ReviewItemSchema),
  /** The profile file choices are saved in (created beside the runbook when it has none); null when they cannot be saved, with why. */
  file: z.string().nullable(),
  unsaveable: z.string().nullable(),
});
export type ReviewState = z.infer<typeof ReviewStateSchema>;

export const ReviewChoiceSchema = z
  .object({
    kind: z.enum(REVIEW_KINDS),
    line: z.number().int().min(1),
    metric: z.string().max(64).nullable(),
    severity: z.enum(['yellow', 'red']).nullable().optional(),
    choice: z.enum(REVIEW_CHOICES),
    op: z.enum(COMPARATORS).optional(),
    value: z.number().finite().optional(),
    forSeconds: z.number().min(0).max(30 * 86_400).optional(),
  })
  .strict();
export type ReviewChoice = z.infer<typeof ReviewChoiceSchema>;
