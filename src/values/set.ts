// Helm's --set syntax (helm.sh/helm/pkg/strvals), read in one linear pass:
// `a.b=1,c[0].d=x`, `list={a,b}`, `\` escapes the next character. Helm's limits
// apply: list indexes up to 65536, at most 30 dotted name levels; ours too: a
// total length and a path depth, so a hostile argument fails at once.
import { UsageError } from '../errors';
import { shownValue } from '../inputs/grammar';
import { LIMITS } from './limits';
import { formatPath, PathPart } from './tree';
import { getOwn, isMap, setOwn, type ValuesObject } from './own';

const FIX = 'write --set key.path=value, e.g. --set image.tag=1.2.3 (list items: key[0]=value; escape "." and "," in keys with "\\")';

/** Every --set argument, in order, as one values layer. */
export function parseSet(args: string[]): ValuesObject {
  const total = args.reduce((n, a) => n + a.length, 0);
  if (total > LIMITS.setChars) {
    throw new UsageError('--set', `the arguments are ${total} characters long; at most ${LIMITS.setChars} are read`, 'put large values in a file and pass it with -f/--values');
  }
  const out: ValuesObject = {};
  const budget = { slots: LIMITS.nodes }; // list slots all arguments may create
  for (const arg of args) new SetParser(arg, out, budget).parse();
  return out;
}

class SetParser {
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly root: ValuesObject,
    private readonly budget: { slots: number },
  ) {}

  parse(): void {
    while (this.i < this.s.length) {
      const path = this.key();
      this.assign(path, this.value());
    }
  }

  /** A key path up to "=": names split on ".", indexes in "[n]". */
  private key(): PathPart[] {
    const path: PathPart[] = [];
    let levels = 0;
    for (;;) {
      const [name, stop] = this.until('=[,.');
      if (name === '') {
        if (!path.length) throw new UsageError('--set', 'a key is empty (nothing before "=", "." or "[")', FIX);
        throw this.error(path, 'has an empty name after "."');
      }
      path.push(name);
      let next = stop;
      if (next === '.' && ++levels > LIMITS.setNameLevels) {
        throw this.error(path, `nests names more than ${LIMITS.setNameLevels} levels deep (Helm's limit)`);
      }
      while (next === '[') {
        path.push(this.index(path));
        this.checkDepth(path);
        next = this.s[this.i++];
        if (next !== undefined && next !== '[' && next !== '.' && next !== '=') throw this.error(path, 'has unexpected text after "]"');
      }
      this.checkDepth(path);
      if (next === '=') return path;
      if (next !== '.') throw this.error(path, next === ',' ? 'has no value (a "," comes before any "="): write key=value' : 'has no value (no "="): write key=value');
    }
  }

  /** The index after "[", checked against Helm's maximum before anything is allocated. */
  private index(path: PathPart[]): number {
    const start = this.i;
    const end = this.s.indexOf(']', start);
    if (end < 0) throw this.error(path, 'has a "[" without "]"');
    const text = this.s.slice(start, end);
    this.i = end + 1;
    if (!/^-?[0-9]{1,12}$/.test(text)) throw this.error(path, `has a list index that is not a whole number: [${shownValue(text).slice(1, -1)}]`);
    const n = Number(text);
    if (n < 0) throw this.error(path, `has a negative list index ${n}`);
    if (n > LIMITS.setIndex) throw this.error(path, `has list index ${n}, greater than the maximum supported index of ${LIMITS.setIndex} (Helm's limit)`);
    return n;
  }

  private checkDepth(path: PathPart[]): void {
    if (path.length > LIMITS.depth) throw this.error(path, `nests maps and lists more than ${LIMITS.depth} levels deep`);
  }

  /** The value after "=": a {a,b} list or one scalar, up to the next unescaped ",". */
  private value(): unknown {
    if (this.s[this.i] === '{') {
      this.i++;
      const list: unknown[] = [];
      if (this.s[this.i] === '}') this.i++; // {} is an empty list (Helm makes it [""])
      else
        for (;;) {
          const [item, stop] = this.until(',}');
          if (stop === undefined) throw new UsageError('--set', 'a list value has no closing "}"', FIX);
          list.push(typedValue(item));
          if (stop === '}') break;
        }
      if (this.s[this.i] === ',') this.i++;
      return list;
    }
    return typedValue(this.until(',')[0]);
  }

  /** Text up to the first unescaped character of `stops` (consumed), unescaped. */
  private until(stops: string): [string, string | undefined] {
    let out = '';
    let from = this.i;
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === '\\') {
        out += this.s.slice(from, this.i);
        this.i++;
        from = this.i; // keeps the escaped character (or nothing at the end)
        continue;
      }
      if (stops.includes(c)) {
        out += this.s.slice(from, this.i);
        this.i++;
        return [out, c];
      }
    }
    return [out + this.s.slice(from), undefined];
  }

  /** Sets `value` at `path`, creating maps and lists (gaps filled with null, as Helm does). */
  private assign(path: PathPart[], value: unknown): void {
    let node: ValuesObject | unknown[] = this.root;
    for (let k = 0; k < path.length; k++) {
      const part = path[k];
      const last = k === path.length - 1;
      if (Array.isArray(node)) {
        const list: unknown[] = node;
        const at = part as number;
        if (at >= list.length) {
          this.budget.slots -= at + 1 - list.length;
          if (this.budget.slots < 0) throw this.error(path.slice(0, k + 1), `makes the --set lists hold more than ${LIMITS.nodes} items in all`);
        }
        while (list.length < at) list.push(null);
        if (last) list[at] = value;
        else {
          const wantList = typeof path[k + 1] === 'number';
          const cur = list[at];
          if (wantList ? !Array.isArray(cur) : !isMap(cur)) list[at] = wantList ? [] : {};
          node = list[at] as ValuesObject | unknown[];
        }
        continue;
      }
      const key = part as string;
      if (last) {
        setOwn(node, key, value);
        break;
      }
      const wantList = typeof path[k + 1] === 'number';
      const cur = getOwn(node, key);
      if (cur === undefined || cur === null) setOwn(node, key, wantList ? [] : {});
      else if (wantList ? !Array.isArray(cur) : !isMap(cur)) {
        throw this.error(path.slice(0, k + 1), `is set to ${wantList ? 'something other than a list' : 'something other than a map'} by an earlier --set, and used as a ${wantList ? 'list' : 'map'} here`);
      }
      node = getOwn(node, key) as ValuesObject | unknown[];
    }
  }

  /** A usage error naming the key path read so far, never the value. */
  private error(path: PathPart[], problem: string): UsageError {
    const key = formatPath(path);
    const shown = !path.length ? 'a key' : key.includes('"') ? `key ${key}` : `key "${key}"`;
    return new UsageError('--set', `${shown} ${problem}`, FIX);
  }
}

/**
 * Helm's typing of a --set value: true/false/null in any case, whole numbers
 * not starting with 0 (and 0) become numbers; the rest stays a string. Numbers
 * beyond what JavaScript holds exactly stay strings rather than change value.
 */
function typedValue(v: string): unknown {
  const lower = v.length <= 5 ? v.toLowerCase() : '';
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (v === '0') return 0;
  if (v[0] !== '0' && /^[-+]?[0-9]{1,19}$/.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n + 0; // + 0 turns -0 into 0
  }
  return v;
}
