// Reads the header of a .go file in one linear pass, as go/build does, and stops:
// the build constraint lines in the leading comments, then the package clause and
// the import declarations. The rest of the file is never looked at.
import { unquoteGo } from './go-literal';

export interface ConstraintLine {
  line: number; // 1-based
  expr: string; // the text after //go:build or // +build
}

export interface BuildLines {
  goBuild?: ConstraintLine; // the //go:build line, which decides when present
  plusBuild: ConstraintLine[]; // legacy // +build lines: used only without //go:build
  codeStart: number; // offset of the first text that is not a comment
}

export interface Clauses {
  packageName: string;
  imports: string[];
}

/** A header the go command cannot read; `line` is 1-based. */
export class HeaderSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

/**
 * go/build's parseFileHeader: in the comments before the first code, a line starting
 * with //go:build (outside a block comment) is the constraint, wherever it is; // +build
 * lines count only in the leading run of // lines and blank lines that ends with a blank line.
 */
export function scanBuildLines(text: string): BuildLines {
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark
  let line = 1;
  let inBlock = false; // inside /* */
  let blockStart = 0;
  let ended = false; // seen a line that is neither blank nor a // comment
  let plusEnd = 0; // where the last blank line of the leading run ends
  let goBuild: ConstraintLine | undefined;
  const plus: (ConstraintLine & { end: number })[] = [];
  const result = (codeStart: number): BuildLines => ({
    goBuild,
    plusBuild: plus.filter((p) => p.end <= plusEnd).map(({ line: l, expr }) => ({ line: l, expr })),
    codeStart,
  });
  for (; pos < n; line++) {
    const nl = text.indexOf('\n', pos);
    const eol = nl < 0 ? n : nl;
    const next = nl < 0 ? n : nl + 1;
    let s = pos;
    let e = eol;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    pos = next;
    if (s === e) {
      if (!ended) plusEnd = next;
      continue;
    }
    const slashSlash = text.startsWith('//', s);
    if (!slashSlash) ended = true;
    if (!inBlock && slashSlash) {
      const go = directiveExpr(text, s, e, '//go:build');
      if (go !== undefined) {
        if (goBuild) throw new HeaderSyntaxError(`a second //go:build line (the first is on line ${goBuild.line})`, line);
        goBuild = { line, expr: go };
      }
      const plusExpr = ended ? undefined : plusBuildExpr(text, s, e);
      if (plusExpr !== undefined) plus.push({ line, expr: plusExpr, end: next });
    }
    // Walk this line's comments; anything else is code.
    let i = s;
    while (i < e) {
      if (inBlock) {
        while (i + 1 < e && !(text[i] === '*' && text[i + 1] === '/')) i++;
        if (i + 1 >= e) break;
        inBlock = false;
        i += 2;
      } else if (text.startsWith('//', i)) {
        break;
      } else if (text.startsWith('/*', i)) {
        inBlock = true;
        blockStart = i;
        i += 2;
      } else {
        return result(i);
      }
      while (i < e && isSpace(text.charCodeAt(i))) i++;
    }
  }
  // An unclosed /* leaves codeStart on it, so reading the package clause reports it.
  return result(inBlock ? blockStart : n);
}

/** The package clause and imports, read from `start` (scanBuildLines' codeStart) to the first other declaration. */
export function scanClauses(text: string, start: number): Clauses {
  const lex = new GoLexer(text, start);
  if (lex.ident() !== 'package') throw new HeaderSyntaxError('no package clause (expected "package NAME" before any code)', lex.lineAt());
  const packageName = lex.ident();
  if (packageName === undefined || packageName === '_') throw new HeaderSyntaxError('the package clause has no valid package name', lex.lineAt());
  const imports: string[] = [];
  const spec = (): void => {
    if (!lex.punct('.')) lex.ident(); // an optional name: ., _ or an identifier
    const path = lex.string();
    if (path === undefined) throw new HeaderSyntaxError('an import without a quoted path', lex.lineAt());
    imports.push(path);
  };
  for (;;) {
    if (lex.punct(';')) continue;
    if (!lex.keyword('import')) break;
    if (!lex.punct('(')) {
      spec();
      continue;
    }
    while (!lex.punct(')')) {
      if (lex.punct(';')) continue;
      if (lex.atEnd()) throw new HeaderSyntaxError('an import ( block that is never closed', lex.lineAt());
      spec();
    }
  }
  return { packageName, imports };
}

/** The smallest Go tokenizer a header needs; whitespace and comments are skipped before every token. */
class GoLexer {
  private static readonly IDENT = /[\p{L}_][\p{L}\p{Nd}_]*/uy;

  constructor(
    private readonly text: string,
    private i: number,
  ) {}

  atEnd(): boolean {
    this.skip();
    return this.i >= this.text.length;
  }

  /** The next identifier, consumed; undefined (nothing consumed) when the next token is not one. */
  ident(): string | undefined {
    this.skip();
    GoLexer.IDENT.lastIndex = this.i;
    const m = GoLexer.IDENT.exec(this.text);
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  keyword(word: string): boolean {
    this.skip();
    GoLexer.IDENT.lastIndex = this.i;
    const m = GoLexer.IDENT.exec(this.text);
    if (m?.[0] !== word) return false;
    this.i += word.length;
    return true;
  }

  punct(c: string): boolean {
    this.skip();
    if (this.text[this.i] !== c) return false;
    this.i++;
    return true;
  }

  /** The next string literal's value, consumed; undefined when the next token is not one. */
  string(): string | undefined {
    this.skip();
    const q = this.text[this.i];
    if (q !== '"' && q !== '`') return undefined;
    let j = this.i + 1;
    if (q === '`') j = this.text.indexOf('`', j);
    else for (; j < this.text.length && this.text[j] !== '"' && this.text[j] !== '\n'; j++) if (this.text[j] === '\\') j++;
    if (j < 0 || j >= this.text.length || this.text[j] !== q) throw new HeaderSyntaxError('a string literal that is never closed', this.lineAt());
    const literal = this.text.slice(this.i, j + 1);
    try {
      const value = unquoteGo(literal);
      this.i = j + 1;
      return value;
    } catch (e) {
      throw new HeaderSyntaxError(`an invalid string literal ${literal.slice(0, 60)}: ${(e as Error).message}`, this.lineAt());
    }
  }

  /** The 1-based line of the current position (counted only when an error needs it). */
  lineAt(): number {
    let line = 1;
    for (let k = this.text.indexOf('\n'); k >= 0 && k < this.i; k = this.text.indexOf('\n', k + 1)) line++;
    return line;
  }

  private skip(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (isSpace(c)) this.i++;
      else if (t.startsWith('//', this.i)) {
        const nl = t.indexOf('\n', this.i);
        this.i = nl < 0 ? t.length : nl + 1;
      } else if (t.startsWith('/*', this.i)) {
        const end = t.indexOf('*/', this.i + 2);
        if (end < 0) throw new HeaderSyntaxError('a /* comment that is never closed', this.lineAt());
        this.i = end + 2;
      } else return;
    }
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/** The expression after `prefix` when the trimmed line text[s, e) is such a line (prefix then space or end). */
function directiveExpr(text: string, s: number, e: number, prefix: string): string | undefined {
  if (!text.startsWith(prefix, s)) return undefined;
  const k = s + prefix.length;
  if (k < e && !isSpace(text.charCodeAt(k))) return undefined;
  return text.slice(k, e).trim();
}

/** A // +build line (the space after // is optional) inside text[s, e). */
function plusBuildExpr(text: string, s: number, e: number): string | undefined {
  let k = s + 2;
  while (k < e && isSpace(text.charCodeAt(k))) k++;
  return directiveExpr(text, k, e, '+build');
}
