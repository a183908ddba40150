/**
 * Repairs text that an editor once decoded wrongly: UTF-8 bytes read as
 * Windows-1252 ("ðŸš€" for 🚀, "â†’" for →) or as Mac Roman ("üöÄ"), then
 * saved again as UTF-8. The runbooks teams send us carry both.
 *
 * Each run of non-ASCII characters is mapped back to the bytes that legacy
 * encoding gave it; when those bytes are valid UTF-8, the run was mojibake
 * and the decoded text replaces it. Genuine text ("café", "✓", CJK) does not
 * survive that round trip (an unmappable character, or bytes that are not
 * UTF-8) and is left alone.
 */

type ReverseTable = Map<string, number>;

/**
 * Windows-1252 differs from Latin-1 only in 0x80-0x9F. Node 20's decoder
 * for "windows-1252" returns Latin-1 there, so that row is spelled out; the
 * five bytes Windows leaves undefined map to the C1 controls, as the sloppy
 * editors that made this mojibake did.
 */
const CP1252_80_9F = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function cp1252Table(): ReverseTable {
  const table: ReverseTable = new Map();
  for (let byte = 0x80; byte <= 0xff; byte++) {
    table.set(byte < 0xa0 ? CP1252_80_9F[byte - 0x80]! : String.fromCharCode(byte), byte);
  }
  return table;
}

function decoderTable(encoding: string): ReverseTable | null {
  let decoder;
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    return null; // a runtime without this legacy encoding
  }
  const table: ReverseTable = new Map();
  for (let byte = 0x80; byte <= 0xff; byte++) {
    const char = decoder.decode(Uint8Array.of(byte));
    if (char !== '\ufffd' && !table.has(char)) table.set(char, byte);
  }
  return table;
}

let tables: ReverseTable[] | null = null;
function legacyTables(): ReverseTable[] {
  // Windows-1252 first, the common case; then Mac Roman.
  tables ??= [cp1252Table(), decoderTable('macintosh')].filter((t): t is ReverseTable => t !== null);
  return tables;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const NON_ASCII_RUN = /[\u0080-\uffff]{2,}/g;

function repairRun(run: string): string | null {
  for (const table of legacyTables()) {
    const bytes = new Uint8Array(run.length);
    let mappable = true;
    for (let i = 0; i < run.length; i++) {
      const byte = table.get(run[i]!);
      if (byte === undefined) {
        mappable = false;
        break;
      }
      bytes[i] = byte;
    }
    if (!mappable) continue;
    try {
      const decoded = strictUtf8.decode(bytes);
      // Real mojibake always shrinks: 2-4 legacy characters per code point.
      if (decoded.length < run.length) return decoded;
    } catch {
      // not UTF-8 under this table; try the next one
    }
  }
  return null;
}

export interface RepairResult {
  text: string;
  repaired: boolean;
}

/** Repairs every mojibake run in `text`; fast when there is nothing to do. */
export function repairMojibake(text: string): RepairResult {
  // Fast path: pure ASCII, or no run of two or more non-ASCII characters.
  if (!/[\u0080-\uffff]{2}/.test(text)) return { text, repaired: false };
  let repaired = false;
  const out = text.replace(NON_ASCII_RUN, (run) => {
    const fixed = repairRun(run);
    if (fixed === null) return run;
    repaired = true;
    return fixed;
  });
  return { text: out, repaired };
}
