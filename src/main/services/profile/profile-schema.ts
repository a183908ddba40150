/**
 * A deployment profile binds the runbook's words to real targets:
 * environment, probes, flags, commands, rollback plans and backups. It holds secret
 * names, never secret values. Sections live in their own schema files.
 */
import { z } from 'zod';
import { CommandsSchema, RollbackSchema } from './actions-schema';
import { BackupTargetSchema } from './backups-schema';
import { FlagSchema } from './flags-schema';
import { DEFAULT_GATES_CONFIG, GatesConfigSchema } from './gates-schema';
import { OverridesSchema } from './overrides-schema';
import { ProbeSchema } from './probes-schema';

function uniqueNames(kind: string) {
  return (list: { name: string }[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      if (seen.has(entry.name)) ctx.addIssue({ code: 'custom', message: `${kind} "${entry.name}" is defined twice`, path: [index, 'name'] });
      seen.add(entry.name);
    });
  };
}

/** A rollback plan's restore step must name a target of the backups: section. */
function restoreStepsNameBackups(profile: { backups: { name: string }[]; rollback: { plans: { steps: object[] }[] } }, ctx: z.RefinementCtx): void {
  const names = new Set(profile.backups.map((b) => b.name));
  profile.rollback.plans.forEach((plan, p) => {
    plan.steps.forEach((step, s) => {
      if ('restore' in step && typeof step.restore === 'string' && !names.has(step.restore)) {
        ctx.addIssue({ code: 'custom', message: `names backup "${step.restore}", which the profile's backups: section does not define`, path: ['rollback', 'plans', p, 'steps', s, 'restore'] });
      }
    });
  });
}

export const ProfileSchema = z
  .object({
    /** The environment's name; typing it confirms a rollback. */
    environment: z.string().min(1).max(64).default('production'),
    probes: z.array(ProbeSchema).default([]).superRefine(uniqueNames('probe')),
    flags: z.array(FlagSchema).default([]).superRefine(uniqueNames('flag')),
    commands: CommandsSchema.default({ allow: [], env: {}, timeoutSeconds: 120, named: {} }),
    rollback: RollbackSchema.default({ confirm: 'hold', plans: [] }),
    gates: GatesConfigSchema.default(DEFAULT_GATES_CONFIG),
    backups: z.array(BackupTargetSchema).default([]).superRefine(uniqueNames('backup')),
    /** Choices made in the review panel for what was read from the runbook (overrides-schema.ts). */
    overrides: OverridesSchema,
  })
  .strict()
  .superRefine(restoreStepsNameBackups);
export type Profile = z.infer<typeof ProfileSchema>;

/** Front matter may carry a team's own metadata beside the profile. */
export const FRONT_MATTER_METADATA = ['title', 'description', 'owner', 'owners', 'authors', 'author', 'tags', 'date', 'version', 'service', 'team'] as const;
