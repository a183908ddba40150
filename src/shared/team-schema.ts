/**
 * The zod schema of the team view (team-model.ts), for the contract: main
 * checks what it sends (and the test hook what it reads) against it. The
 * interfaces in team-model.ts stay the source of truth; the assertion at
 * the bottom fails to compile when the two drift apart.
 */
import { z } from 'zod';
import type { TeamView } from './team-model';

const Iso = z.string().min(1).max(64);

export const TeamMemberSchema = z.object({
  key: z.string().min(1).max(128),
  name: z.string().min(1).max(200),
  online: z.boolean(),
  phase: z.string().max(500).nullable(),
  item: z.string().max(500).nullable(),
  lastSeen: Iso.nullable(),
  you: z.boolean(),
});

export const TeamLeaseSchema = z.object({
  holderKey: z.string().min(1).max(128),
  holder: z.string().min(1).max(200),
  purpose: z.enum(['rollback', 'flag']),
  subject: z.string().max(500).nullable(),
  expiresAt: Iso,
  expired: z.boolean(),
  you: z.boolean(),
});

export const TeamRefusalSchema = z.object({ seq: z.number().int().nonnegative(), message: z.string().max(2000) });

export const TeamItemEventSchema = z.object({
  kind: z.enum(['tick', 'untick', 'note']),
  text: z.string().max(20_000).nullable(),
  author: z.string().min(1).max(200),
  by: z.string().max(200).nullable(),
  at: Iso,
  seq: z.number().int().nonnegative().nullable(),
});

export const TeamItemSchema = z.object({ checked: z.boolean().nullable(), history: z.array(TeamItemEventSchema) });

export const TeamViewSchema = z.object({
  session: z.string().min(1).max(200),
  store: z.string().min(1).max(500),
  you: z.object({ key: z.string().min(1).max(128), name: z.string().min(1).max(200) }),
  connection: z.enum(['connected', 'connecting', 'offline']),
  lastError: z.string().max(2000).nullable(),
  members: z.array(TeamMemberSchema),
  unshared: z.array(z.number().int().nonnegative()),
  lease: TeamLeaseSchema.nullable(),
  refused: z.array(TeamRefusalSchema),
  items: z.record(z.string(), TeamItemSchema),
  head: z.object({ seq: z.number().int().nonnegative(), hash: z.string() }).nullable(),
});

// Both directions: a field added to one and not the other does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.infer<typeof TeamViewSchema>, TeamView> = true;
void sameShape;
