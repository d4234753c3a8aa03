/**
 * Quotes a string as a Go interpreted string literal with strconv.Quote's rules: printable
 * runes stay as they are, everything else (control, format and bidi characters, invalid
 * UTF-16 that cannot become UTF-8) is escaped, so no value can end the literal or hide code.
 */
export function goString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd"; // a lone surrogate has no UTF-8 form
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp in SHORT_ESCAPES) out += SHORT_ESCAPES[cp];
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

const SHORT_ESCAPES: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v" };

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}
