/**
 * The `overrides:` section (issue 15): what a person chose in the review
 * panel ("What Flightdeck read") for each thing read from the runbook,
 * keyed by its runbook line and kind. `ignore` takes it out (a threshold is
 * no band, no target, no trigger), `edit` reads it as stated here, `accept`
 * records that a person checked it. The runbook's markdown is never changed.
 * An override that changes an automatic trigger changes the trust manifest,
 * since the manifest is derived from the plan the overrides shape.
 */
import { z } from 'zod';
import { COMPARATORS, METRIC_NAMES } from '../../../shared/metrics';

export const OVERRIDE_KINDS = ['threshold', 'trigger', 'criterion', 'command', 'binding'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];
export const OVERRIDE_CHOICES = ['accept', 'ignore', 'edit'] as const;

/** Kinds whose reading can be edited: a comparison with a value and a duration. */
export const EDITABLE_KINDS: ReadonlySet<OverrideKind> = new Set(['threshold', 'trigger']);

export const OverrideSchema = z
  .object({
    /** The runbook line it was read from. */
    line: z.number().int().min(1),
    kind: z.enum(OVERRIDE_KINDS),
    /** When the line holds several thresholds: the one of this metric. */
    metric: z.enum(METRIC_NAMES as [string, ...string[]]).optional(),
    /** And of this band, when one line names both ("yellow flag: 0.5%, red flag: > 1%"). */
    severity: z.enum(['yellow', 'red']).optional(),
    choice: z.enum(OVERRIDE_CHOICES),
    op: z.enum(COMPARATORS).optional(),
    value: z.number().optional(),
    forSeconds: z.number().min(0).max(30 * 86_400).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const edits = o.op !== undefined || o.value !== undefined || o.forSeconds !== undefined;
    if (o.choice === 'edit' && !EDITABLE_KINDS.has(o.kind)) ctx.addIssue({ code: 'custom', message: `cannot be edit for a ${o.kind}: accept or ignore it`, path: ['choice'] });
    else if (o.choice === 'edit' && !edits) ctx.addIssue({ code: 'custom', message: 'is edit, so give the new op, value or forSeconds', path: ['choice'] });
    else if (o.choice !== 'edit' && edits) ctx.addIssue({ code: 'custom', message: `is ${o.choice}: op, value and forSeconds belong to an edit`, path: ['choice'] });
  });
export type Override = z.infer<typeof OverrideSchema>;

/** One override per line, kind, metric and band: a second one would leave which applies to chance. */
export function overrideKey(o: { line: number; kind: string; metric?: string | undefined; severity?: string | undefined }): string {
  return `${o.line}:${o.kind}:${o.metric ?? '*'}:${o.severity ?? '*'}`;
}

export const OverridesSchema = z
  .array(OverrideSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((o, index) => {
      const key = overrideKey(o);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `line ${o.line} (${o.kind}) is overridden twice`, path: [index, 'line'] });
      seen.add(key);
    });
  });
