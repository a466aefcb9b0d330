// Build constraint expressions as go/build/constraint parses them: `//go:build`
// lines with !, &&, || and parentheses, and legacy `// +build` lines.

export type Expr = { tag: string } | { not: Expr } | { and: [Expr, Expr] } | { or: [Expr, Expr] };

/** A malformed expression; `offset` is where in the expression it went wrong. */
export class ConstraintSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const MAX_SIZE = 1000; // go/build/constraint's limit on terms, which also bounds the recursion
const TAG = /[\p{L}\p{Nd}_.]+/uy;

/** Parses the expression of a //go:build line (the text after "//go:build"). */
export function parseGoBuild(text: string): Expr {
  let i = 0;
  let tok = '';
  let pos = 0;
  let isTag = false;
  let size = 0;
  const fail = (message: string, at = pos): never => {
    throw new ConstraintSyntaxError(message, at);
  };
  const lex = (): void => {
    isTag = false;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    pos = i;
    if (i >= text.length) {
      tok = '';
      return;
    }
    const c = text[i];
    if (c === '(' || c === ')' || c === '!') {
      tok = c;
      i++;
      return;
    }
    if (c === '&' || c === '|') {
      if (text[i + 1] !== c) fail(`invalid syntax at ${c}`, i);
      tok = c + c;
      i += 2;
      return;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(text);
    if (!m) fail(`invalid syntax at ${String.fromCodePoint(text.codePointAt(i)!)}`, i);
    tok = m![0];
    i += tok.length;
    isTag = true;
  };
  const or = (): Expr => {
    let x = and();
    while (tok === '||') x = { or: [x, and()] };
    return x;
  };
  const and = (): Expr => {
    let x = not();
    while (tok === '&&') x = { and: [x, not()] };
    return x;
  };
  const not = (): Expr => {
    if (++size > MAX_SIZE) fail('build expression too large');
    lex();
    if (tok !== '!') return atom();
    lex();
    if (tok === '!') fail('double negation not allowed');
    return { not: atom() };
  };
  const atom = (): Expr => {
    if (tok === '(') {
      const open = pos;
      const x = or();
      if ((tok as string) !== ')') fail('missing close paren', open); // or() moved tok on
      lex();
      return x;
    }
    if (!isTag) fail(tok === '' ? 'unexpected end of expression' : `unexpected token ${tok}`);
    const t = tok;
    lex();
    return { tag: t };
  };
  const x = or();
  if (tok !== '') fail(`unexpected token ${tok}`);
  return x;
}

/**
 * Parses a `// +build` line's expression: spaces are OR, commas AND, ! negates; bad
 * words never match. Undefined for one too complex (over 100 operators): the go
 * command then ignores the line.
 */
export function parsePlusBuild(text: string): Expr | undefined {
  const never: Expr = { tag: 'ignore' };
  const clauses = text.split(/[ \t]+/).filter(Boolean).map((c) => c.split(','));
  if (clauses.length === 0) return never;
  if (clauses.reduce((n, c) => n + c.length, 0) - 1 > 100) return undefined;
  const literal = (lit: string): Expr => {
    if (lit.startsWith('!!') || lit === '!') return never;
    const neg = lit.startsWith('!');
    const word = neg ? lit.slice(1) : lit;
    const t: Expr = /^[\p{L}\p{Nd}_.]+$/u.test(word) ? { tag: word } : never;
    return neg ? { not: t } : t;
  };
  return clauses.map((c) => c.map(literal).reduce((a, b): Expr => ({ and: [a, b] }))).reduce((a, b): Expr => ({ or: [a, b] }));
}

export function evaluate(x: Expr, holds: (tag: string) => boolean): boolean {
  if ('tag' in x) return holds(x.tag);
  if ('not' in x) return !evaluate(x.not, holds);
  if ('and' in x) return evaluate(x.and[0], holds) && evaluate(x.and[1], holds);
  return evaluate(x.or[0], holds) || evaluate(x.or[1], holds);
}
