/**
 * The parsed runbook as every process sees it. Main produces it from
 * markdown; the renderer draws it; the CLI prints it. It is data only: text
 * is split into a small set of safe inline nodes, raw HTML is kept as text,
 * and a link keeps its target only when that target is https.
 */
import { z } from 'zod';
import { COMPARATORS, METRIC_NAMES, UNITS } from './metrics';

export interface InlineText { t: 'text'; v: string }
export interface InlineCode { t: 'code'; v: string }
export interface InlineBreak { t: 'br' }
/** Raw HTML from the markdown, shown as literal text, never interpreted. */
export interface InlineHtml { t: 'html'; v: string }
export interface InlineSpan { t: 'strong' | 'em' | 'del'; c: Inline[] }
/** `href` is null unless the target is an https URL; the text stays visible. */
export interface InlineLink { t: 'link'; href: string | null; url: string; c: Inline[] }
/** Images are never loaded; the alt text and address are shown instead. */
export interface InlineImage { t: 'image'; alt: string; url: string }
export type Inline = InlineText | InlineCode | InlineBreak | InlineHtml | InlineSpan | InlineLink | InlineImage;

export const InlineSchema: z.ZodType<Inline> = z.lazy(() =>
  z.union([
    z.object({ t: z.literal('text'), v: z.string() }),
    z.object({ t: z.literal('code'), v: z.string() }),
    z.object({ t: z.literal('br') }),
    z.object({ t: z.literal('html'), v: z.string() }),
    z.object({ t: z.enum(['strong', 'em', 'del']), c: z.array(InlineSchema) }),
    z.object({ t: z.literal('link'), href: z.string().nullable(), url: z.string(), c: z.array(InlineSchema) }),
    z.object({ t: z.literal('image'), alt: z.string(), url: z.string() }),
  ]),
);

export const CodeBlockSchema = z.object({
  lang: z.string().nullable(),
  value: z.string(),
  line: z.number().int(),
  endLine: z.number().int(),
  /** The task item this block belongs to, or null when it belongs to the section. */
  itemId: z.string().nullable(),
});
export type CodeBlock = z.infer<typeof CodeBlockSchema>;

export const ThresholdSchema = z.object({
  metric: z.enum(METRIC_NAMES as [string, ...string[]]),
  op: z.enum(COMPARATORS),
  value: z.number(),
  unit: z.enum(UNITS),
  forSeconds: z.number().optional(),
  line: z.number().int(),
  /** The sentence the threshold was read from, as written. */
  text: z.string(),
  /** What the runbook measures, when it says so: "api", "database", "page"... */
  subject: z.string().optional(),
  /** "yellow" or "red" when the runbook names the band ("red flag: > 1%"). */
  severity: z.enum(['yellow', 'red']).optional(),
  itemId: z.string().nullable(),
  /**
   * "sure" when the sentence plainly states it; "review" when Flightdeck read
   * it but a person must confirm it (a target without a comparator, an
   * estimate given as a range). A review threshold arms no automatic action.
   */
  confidence: z.enum(['sure', 'review']).default('sure'),
});
export type Threshold = z.infer<typeof ThresholdSchema>;

export const TaskItemSchema = z.object({
  id: z.string(),
  /** Plain text, mojibake repaired, as shown and searched. */
  text: z.string(),
  inline: z.array(InlineSchema),
  /** Checked in the markdown file itself. */
  checked: z.boolean(),
  line: z.number().int(),
  /** UTF-16 offset of the character between the brackets, for write-back. */
  tickOffset: z.number().int(),
  phaseId: z.string(),
  sectionId: z.string().nullable(),
  parentId: z.string().nullable(),
  depth: z.number().int(),
  code: z.array(CodeBlockSchema),
});
export type TaskItem = z.infer<typeof TaskItemSchema>;

export interface ListEntry {
  /** Present when the list entry is a task item (`- [ ]`). */
  itemId: string | null;
  line: number;
  inline: Inline[];
  blocks: Block[];
}

export type Block =
  | { kind: 'paragraph'; line: number; inline: Inline[] }
  | { kind: 'heading'; line: number; depth: number; inline: Inline[] }
  | { kind: 'list'; line: number; ordered: boolean; start: number | null; entries: ListEntry[] }
  | { kind: 'code'; line: number; lang: string | null; value: string; itemId: string | null }
  | { kind: 'table'; line: number; header: Inline[][]; rows: Inline[][][]; signoff: boolean }
  | { kind: 'quote'; line: number; blocks: Block[] }
  | { kind: 'rule'; line: number }
  | { kind: 'html'; line: number; value: string };

const ListEntrySchema: z.ZodType<ListEntry> = z.lazy(() =>
  z.object({ itemId: z.string().nullable(), line: z.number(), inline: z.array(InlineSchema), blocks: z.array(BlockSchema) }),
);

export const BlockSchema: z.ZodType<Block> = z.lazy(() =>
  z.union([
    z.object({ kind: z.literal('paragraph'), line: z.number(), inline: z.array(InlineSchema) }),
    z.object({ kind: z.literal('heading'), line: z.number(), depth: z.number(), inline: z.array(InlineSchema) }),
    z.object({ kind: z.literal('list'), line: z.number(), ordered: z.boolean(), start: z.number().nullable(), entries: z.array(ListEntrySchema) }),
    z.object({ kind: z.literal('code'), line: z.number(), lang: z.string().nullable(), value: z.string(), itemId: z.string().nullable() }),
    z.object({ kind: z.literal('table'), line: z.number(), header: z.array(z.array(InlineSchema)), rows: z.array(z.array(z.array(InlineSchema))), signoff: z.boolean() }),
    z.object({ kind: z.literal('quote'), line: z.number(), blocks: z.array(BlockSchema) }),
    z.object({ kind: z.literal('rule'), line: z.number() }),
    z.object({ kind: z.literal('html'), line: z.number(), value: z.string() }),
  ]),
);

export const SectionSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Heading depth: 3 for ###, 4 for ####... */
  depth: z.number().int(),
  line: z.number().int(),
  /** Titles from the phase down to this section. */
  path: z.array(z.string()),
  blocks: z.array(BlockSchema),
  /** Top-level task items of this section, in order. */
  itemIds: z.array(z.string()),
  code: z.array(CodeBlockSchema),
});
export type Section = z.infer<typeof SectionSchema>;

export const PhaseSchema = z.object({
  id: z.string(),
  title: z.string(),
  line: z.number().int(),
  /** Content between the phase heading and its first section. */
  blocks: z.array(BlockSchema),
  itemIds: z.array(z.string()),
  code: z.array(CodeBlockSchema),
  sections: z.array(SectionSchema),
});
export type Phase = z.infer<typeof PhaseSchema>;

export const SignOffSchema = z.object({
  id: z.string(),
  role: z.string(),
  line: z.number().int(),
  source: z.enum(['line', 'table']),
  /** The task item that carries the sign-off line, when it is one. */
  itemId: z.string().nullable(),
  phaseId: z.string(),
});
export type SignOff = z.infer<typeof SignOffSchema>;

export const WarningSchema = z.object({
  code: z.enum(['mojibake', 'html', 'unsafe-link', 'image', 'duplicate-item', 'encoding', 'read-only']),
  line: z.number().int().nullable(),
  message: z.string(),
});
export type RunbookWarning = z.infer<typeof WarningSchema>;

export const RunbookStatsSchema = z.object({
  phases: z.number().int(),
  sections: z.number().int(),
  items: z.number().int(),
  checked: z.number().int(),
  codeBlocks: z.number().int(),
  thresholds: z.number().int(),
  tables: z.number().int(),
  signoffs: z.number().int(),
});
export type RunbookStats = z.infer<typeof RunbookStatsSchema>;

export const RunbookSourceSchema = z.object({
  /** File name as shown to the user. */
  name: z.string(),
  /** Absolute path of the markdown file, null for text that has no file. */
  path: z.string().nullable(),
  origin: z.enum(['file', 'import', 'demo']),
  sha256: z.string(),
  bytes: z.number().int(),
  lines: z.number().int(),
  /** Whether ticks can be written back into the file. */
  writable: z.boolean(),
});
export type RunbookSource = z.infer<typeof RunbookSourceSchema>;

export const RunbookDocSchema = z.object({
  title: z.string(),
  source: RunbookSourceSchema,
  /** Content before the first phase (title, intro, status lines). */
  preamble: z.array(BlockSchema),
  phases: z.array(PhaseSchema),
  /** Every task item in document order. */
  items: z.array(TaskItemSchema),
  thresholds: z.array(ThresholdSchema),
  signoffs: z.array(SignOffSchema),
  warnings: z.array(WarningSchema),
  stats: RunbookStatsSchema,
  /** YAML front matter (a deployment profile may live there), with the line its text starts on. */
  frontMatter: z.object({ text: z.string(), line: z.number().int() }).nullable(),
});
export type RunbookDoc = z.infer<typeof RunbookDocSchema>;
