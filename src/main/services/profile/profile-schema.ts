/**
 * A deployment profile binds the runbook's words to real targets:
 * environment, probes, flags, commands and rollback plans. It holds secret
 * names, never secret values. Sections live in their own schema files.
 */
import { z } from 'zod';
import { CommandsSchema, RollbackSchema } from './actions-schema';
import { FlagSchema } from './flags-schema';
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

export const ProfileSchema = z
  .object({
    /** The environment's name; typing it confirms a rollback. */
    environment: z.string().min(1).max(64).default('production'),
    probes: z.array(ProbeSchema).default([]).superRefine(uniqueNames('probe')),
    flags: z.array(FlagSchema).default([]).superRefine(uniqueNames('flag')),
    commands: CommandsSchema.default({ allow: [], env: {}, timeoutSeconds: 120, named: {} }),
    rollback: RollbackSchema.default({ confirm: 'hold', plans: [] }),
  })
  .strict();
export type Profile = z.infer<typeof ProfileSchema>;

/** Front matter may carry a team's own metadata beside the profile. */
export const FRONT_MATTER_METADATA = ['title', 'description', 'owner', 'owners', 'authors', 'author', 'tags', 'date', 'version', 'service', 'team'] as const;
