// Go string literals (the Go spec's interpreted "..." and raw `...` strings), as
// go.mod paths and .go import paths are written.

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The value of a Go string literal, quotes included in `literal`; throws an Error saying what is wrong. */
export function unquoteGo(literal: string): string {
  const q = literal[0];
  if (literal.length < 2 || (q !== '"' && q !== '`') || literal[literal.length - 1] !== q) throw new Error('not a quoted string');
  const body = literal.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new Error('a ` inside a raw string');
    return body.replace(/\r/g, ''); // Go drops carriage returns from raw strings
  }
  if (!/["\n\\]/.test(body)) return body; // nothing to interpret
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === '"' || c === '\n') throw new Error(c === '"' ? 'an unescaped " inside the string' : 'a newline inside the string');
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new Error('a string ending in a backslash');
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]);
      i += 2;
    } else if (e === 'x') {
      bytes.push(hexDigits(body, i + 2, 2));
      i += 4;
    } else if (e >= '0' && e <= '7') {
      const octal = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(octal) || parseInt(octal, 8) > 255) throw new Error(`invalid octal escape \\${octal}`);
      bytes.push(parseInt(octal, 8));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const cp = hexDigits(body, i + 2, n);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error(`escape \\${e}${body.slice(i + 2, i + 2 + n)} is not a Unicode code point`);
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += 2 + n;
    } else {
      throw new Error(`unknown escape \\${e}`);
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw new Error('escapes that are not valid UTF-8');
  }
}

function hexDigits(s: string, at: number, n: number): number {
  const digits = s.slice(at, at + n);
  if (digits.length !== n || !/^[0-9A-Fa-f]+$/.test(digits)) throw new Error(`an escape needs ${n} hex digits`);
  return parseInt(digits, 16);
}
