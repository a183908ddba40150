/**
 * One entry of a team session's merged chain (issue 16), and the rule that
 * decides whether a row read from the team store may be believed.
 *
 * The author signs the whole entry, its place in the chain included (seq
 * and the previous entry's hash), inside the store's append transaction.
 * So nobody with write access to the database can alter a row, write as
 * someone else, or reorder two rows without the signature or the chain
 * showing it. A member's key is introduced by a self-signed
 * `member.joined` entry; a name belongs to the first key that joined with
 * it, so a second key cannot sign as "Ada".
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { GENESIS_HASH } from '../../../shared/session-state';
import { canonicalJson } from '../journal/canonical-json';
import { formatFingerprint, keyIdOfPublicKey, parseEd25519PublicKey, type Ed25519Key } from '../signing/ed25519';

export interface TeamEntry {
  /** The team session id. */
  session: string;
  /** Position in the merged chain, given by the store: 0, 1, 2… */
  seq: number;
  /** Hash of the entry at seq - 1 (GENESIS_HASH for the first). */
  prev: string;
  /** keyid of the author's Ed25519 key. */
  author: string;
  /** The author's member name. */
  name: string;
  /** The author's local journal seq this entry shares; -1 for `member.joined`. */
  origin: number;
  /** When the author recorded it (their journal's time; earlier than the append when shared late). */
  ts: string;
  type: string;
  by: string | null;
  data: Record<string, unknown>;
  /** Ed25519 signature over the canonical JSON of every field above, base64. */
  sig: string;
  /** sha256 over the canonical JSON of every field above and sig, hex. */
  hash: string;
}

export type UnsignedTeamEntry = Omit<TeamEntry, 'sig' | 'hash'>;

export const MEMBER_JOINED = 'member.joined';
/** Origin of the one `member.joined` entry each key writes. */
export const JOIN_ORIGIN = -1;

function signedBytes(entry: UnsignedTeamEntry): Buffer {
  const { session, seq, prev, author, name, origin, ts, type, by, data } = entry;
  return Buffer.from(canonicalJson({ session, seq, prev, author, name, origin, ts, type, by, data }), 'utf8');
}

export function teamEntryHash(entry: Omit<TeamEntry, 'hash'>): string {
  const { sig } = entry;
  return createHash('sha256').update(signedBytes(entry)).update(canonicalJson({ sig })).digest('hex');
}

/** Signs an entry at its place in the chain. */
export function sealTeamEntry(entry: UnsignedTeamEntry, key: Ed25519Key): TeamEntry {
  const sig = sign(null, signedBytes(entry), key.privateKey).toString('base64');
  const signed = { ...entry, sig };
  return { ...signed, hash: teamEntryHash(signed) };
}

/** The `member.joined` entry that introduces a key and the name it signs as. */
export function joinEntry(session: string, key: Ed25519Key, name: string, ts: string): Omit<UnsignedTeamEntry, 'seq' | 'prev'> {
  return { session, author: key.keyid, name, origin: JOIN_ORIGIN, ts, type: MEMBER_JOINED, by: name, data: { publicKey: key.publicKey, name } };
}

/** "entry 12 (item.ticked by Ada)": how a refusal names the row. */
export function describeTeamEntry(entry: Pick<TeamEntry, 'seq' | 'type' | 'name'>): string {
  return `entry ${entry.seq} (${entry.type} by ${entry.name})`;
}

function short(keyid: string): string {
  return formatFingerprint(keyid.slice(0, 16));
}

interface KnownMember {
  key: KeyObject;
  name: string;
}

/**
 * Checks a store's rows in order, one at a time, as they arrive. Each row
 * is refused or accepted on its own; the chain links through the row's
 * stored hash either way, so one altered row is refused alone and the rows
 * after it still check (an edit that also rewrote the hash breaks the next
 * row's link, which is refused too).
 */
export class TeamChainVerifier {
  private readonly members = new Map<string, KnownMember>();
  private readonly names = new Map<string, string>();
  private readonly origins = new Map<string, number>();
  private expectSeq = 0;
  private prev = GENESIS_HASH;

  constructor(readonly session: string) {}

  /** Next seq the chain expects. */
  get nextSeq(): number {
    return this.expectSeq;
  }

  get head(): string {
    return this.prev;
  }

  /** Name of a member key that joined, if any. */
  memberName(keyid: string): string | null {
    return this.members.get(keyid)?.name ?? null;
  }

  memberKeys(): string[] {
    return [...this.members.keys()];
  }

  /** Null when the entry can be believed; else why not, naming the entry. */
  accept(row: unknown): string | null {
    const shape = shapeProblem(row);
    const position = this.expectSeq;
    if (shape) {
      this.advance(row);
      return `entry ${position}: not a team entry (${shape}); refused`;
    }
    const entry = row as TeamEntry;
    const problem = this.problem(entry, position);
    this.advance(entry);
    if (problem) return `${describeTeamEntry(entry)}: ${problem}; refused`;
    if (entry.type === MEMBER_JOINED) {
      const key = parseEd25519PublicKey(String(entry.data.publicKey))!;
      this.members.set(entry.author, { key, name: entry.name });
      this.names.set(entry.name, entry.author);
    } else {
      this.origins.set(`${entry.author}:${entry.origin}`, entry.seq);
    }
    return null;
  }

  private advance(row: unknown): void {
    this.expectSeq += 1;
    const hash = (row as { hash?: unknown } | null)?.hash;
    this.prev = typeof hash === 'string' ? hash : this.prev;
  }

  private problem(entry: TeamEntry, position: number): string | null {
    if (entry.session !== this.session) return `belongs to session "${entry.session}", not "${this.session}"`;
    if (entry.seq !== position) return `is at position ${position} but says seq ${entry.seq}: rows are missing or reordered`;
    if (entry.prev !== this.prev) return 'does not follow the entry before it (its prev hash differs): rows were reordered, removed or rewritten';
    if (teamEntryHash(entry) !== entry.hash) return 'was altered in the store: its hash does not match its contents';
    if (entry.type === MEMBER_JOINED) return this.joinProblem(entry);
    const member = this.members.get(entry.author);
    if (!member) return `is signed by key ${short(entry.author)}, which never joined this session`;
    if (member.name !== entry.name) return `claims to be by ${entry.name}, but key ${short(entry.author)} joined as ${member.name}`;
    if (!verify(null, signedBytes(entry), member.key, Buffer.from(entry.sig, 'base64'))) return `its signature is not ${member.name}'s (key ${short(entry.author)}): altered or forged`;
    const earlier = this.origins.get(`${entry.author}:${entry.origin}`);
    if (earlier !== undefined) return `repeats ${member.name}'s local entry ${entry.origin}, already shared as entry ${earlier}`;
    return null;
  }

  private joinProblem(entry: TeamEntry): string | null {
    const key = parseEd25519PublicKey(String(entry.data.publicKey ?? ''));
    if (!key) return 'introduces no Ed25519 public key';
    if (keyIdOfPublicKey(key) !== entry.author) return 'introduces a key other than the one it claims to be by';
    if (entry.data.name !== entry.name) return 'joins under a name other than the one it is signed as';
    if (this.members.has(entry.author)) return `joins key ${short(entry.author)} a second time`;
    const owner = this.names.get(entry.name);
    if (owner) return `joins as ${entry.name}, a name key ${short(owner)} already holds in this session`;
    if (!verify(null, signedBytes(entry), key, Buffer.from(entry.sig, 'base64'))) return 'its signature does not match the key it introduces: altered or forged';
    return null;
  }
}

function shapeProblem(row: unknown): string | null {
  if (typeof row !== 'object' || row === null) return 'not an object';
  const r = row as Record<string, unknown>;
  for (const field of ['session', 'prev', 'author', 'name', 'ts', 'type', 'sig', 'hash'] as const) {
    if (typeof r[field] !== 'string') return `${field} is missing`;
  }
  if (!Number.isSafeInteger(r.seq)) return 'seq is missing';
  if (!Number.isSafeInteger(r.origin)) return 'origin is missing';
  if (r.by !== null && typeof r.by !== 'string') return 'by is not a name';
  if (typeof r.data !== 'object' || r.data === null || Array.isArray(r.data)) return 'data is not an object';
  return null;
}

/** Checks a whole chain (a replica or a store's rows), returning every refusal in order. */
export function checkTeamChain(session: string, rows: readonly unknown[]): { accepted: TeamEntry[]; refused: { seq: number; message: string }[]; head: string } {
  const verifier = new TeamChainVerifier(session);
  const accepted: TeamEntry[] = [];
  const refused: { seq: number; message: string }[] = [];
  rows.forEach((row, position) => {
    const problem = verifier.accept(row);
    if (problem) refused.push({ seq: position, message: problem });
    else accepted.push(row as TeamEntry);
  });
  return { accepted, refused, head: verifier.head };
}
