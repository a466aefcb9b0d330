// The syntax go.mod and go.work share (golang.org/x/mod/modfile read.go): lines of
// tokens, `verb ( ... )` blocks, `//` comments, "..." and `...` strings that may not
// span lines. Each directive comes out as a verb and its raw argument tokens.
import { UsageError } from '../errors';
import { unquoteGo } from './go-literal';

export interface Directive {
  verb: string;
  args: string[]; // raw tokens: quoted strings keep their quotes
  line: number; // 1-based
}

type Kind = 'ident' | 'string' | 'eol' | 'eof' | '(' | ')' | 'punct';
interface Token {
  kind: Kind;
  text: string;
  line: number;
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',']);
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** The directives of a go.mod or go.work file; `file` names it in errors. */
export function parseDirectives(text: string, file: string): Directive[] {
  const fail = (line: number, what: string): never => {
    throw new UsageError(file, `line ${line}: ${what}`, `correct ${file} (\`go mod tidy\` reports the same problem)`);
  };
  const toks = lex(text, fail);
  const out: Directive[] = [];
  let i = 0;
  const lineArgs = (): string[] => {
    const args: string[] = [];
    for (; toks[i].kind !== 'eol' && toks[i].kind !== 'eof'; i++) args.push(toks[i].text);
    return args;
  };
  while (toks[i].kind !== 'eof') {
    const t = toks[i];
    if (t.kind === 'eol') {
      i++;
      continue;
    }
    if (t.kind !== 'ident') fail(t.line, `unexpected ${JSON.stringify(t.text)} where a directive should start`);
    i++;
    const opensBlock = toks[i].kind === '(' && toks[i + 1].kind === 'eol';
    const emptyBlock = toks[i].kind === '(' && toks[i + 1].kind === ')' && ['eol', 'eof'].includes(toks[i + 2].kind);
    if (emptyBlock) {
      i += 2;
      continue;
    }
    if (!opensBlock) {
      out.push({ verb: t.text, args: lineArgs(), line: t.line });
      continue;
    }
    for (i += 2; ; ) {
      const u = toks[i];
      if (u.kind === 'eof') fail(t.line, `the ${t.text} ( block is not closed with )`);
      if (u.kind === 'eol') i++;
      else if (u.kind === ')') {
        i++;
        if (toks[i].kind !== 'eol' && toks[i].kind !== 'eof') fail(u.line, 'a newline must follow the ) that closes a block');
        break;
      } else out.push({ verb: t.text, args: lineArgs(), line: u.line });
    }
  }
  return out;
}

/** A path argument as the go command reads it: "..." unquoted, bare tokens taken as they are, other quotes refused. */
export function pathArg(raw: string): string {
  if (raw.startsWith('"')) return unquoteGo(raw);
  if (/["'`]/.test(raw)) throw new Error('the go command accepts only "..." quotes here, not `...` or \'...\'');
  return raw;
}

function lex(text: string, fail: (line: number, what: string) => never): Token[] {
  const toks: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\n') {
      toks.push({ kind: 'eol', text: c, line: line++ });
      i++;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end; // the newline ends the line as usual
    } else if (text.startsWith('/*', i)) {
      fail(line, 'go.mod files use // comments, not /* */');
    } else if (PUNCT.has(c)) {
      toks.push({ kind: c === '(' || c === ')' ? c : 'punct', text: c, line });
      i++;
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      for (; j < n && text[j] !== c && text[j] !== '\n'; j++) if (c === '"' && text[j] === '\\' && text[j + 1] !== '\n') j++;
      if (j >= n || text[j] !== c) fail(line, `a string that is not closed on its line (strings may not span lines): ${JSON.stringify(text.slice(i, Math.min(j, i + 60)))}`);
      toks.push({ kind: 'string', text: text.slice(i, j + 1), line });
      i = j + 1;
    } else {
      const start = i;
      while (i < n) {
        const cp = text.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        if (PUNCT.has(ch) || !PRINTABLE.test(ch) || text.startsWith('//', i)) break;
        if (text.startsWith('/*', i)) fail(line, 'go.mod files use // comments, not /* */');
        i += ch.length;
      }
      if (i === start) fail(line, `unexpected character ${JSON.stringify(String.fromCodePoint(text.codePointAt(i)!))}`);
      toks.push({ kind: 'ident', text: text.slice(start, i), line });
    }
  }
  toks.push({ kind: 'eol', text: '', line }, { kind: 'eof', text: '', line }, { kind: 'eof', text: '', line });
  return toks;
}
