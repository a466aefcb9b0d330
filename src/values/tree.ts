// Key paths and shape checks over values trees. Every walk here is iterative, so
// a hostile depth is reported, never a stack overflow.
import { shownValue } from '../inputs/grammar';

export type PathPart = string | number;

const PLAIN_KEY = /^[A-Za-z0-9_./-]{1,80}$/;

/**
 * A key path for messages, e.g. env[0].value: odd keys are quoted and cut, so a
 * path never spans lines; a very deep path shows its start and its end.
 */
export function formatPath(parts: readonly PathPart[]): string {
  if (parts.length > 16) return `${formatPath(parts.slice(0, 8))} ... ${formatPath(parts.slice(-4))} (${parts.length} levels)`;
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const key = PLAIN_KEY.test(p) ? p : shownValue(p);
      out += out ? `.${key}` : key;
    }
  }
  return out;
}

export interface ShapeProblem {
  path: string;
  message: string;
}

interface Visit {
  value: unknown;
  depth: number;
  key: PathPart;
  parent: Visit | null;
}

function pathOf(v: Visit): string {
  const parts: PathPart[] = [];
  for (let n: Visit | null = v; n && n.parent; n = n.parent) parts.push(n.key);
  return formatPath(parts.reverse());
}

/**
 * The first shape problem in a values tree: maps and lists nested deeper than
 * `maxDepth`, more than `maxNodes` values in all (YAML aliases expand into
 * copies), or a number that is not finite (JSON, and so Helm, has no Infinity or NaN).
 */
export function shapeProblem(root: unknown, maxDepth: number, maxNodes = Infinity): ShapeProblem | undefined {
  const stack: Visit[] = [{ value: root, depth: 0, key: '', parent: null }];
  for (let nodes = 1; stack.length; nodes++) {
    const v = stack.pop()!;
    if (nodes > maxNodes) return { path: pathOf(v), message: `is past the ${maxNodes}th value (aliases expanded); split the values or use fewer aliases` };
    const { value } = v;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { path: pathOf(v), message: `is ${value} (not a finite number); write a finite number, or quote it to make it a string` };
    }
    if (typeof value !== 'object' || value === null) continue;
    if (v.depth >= maxDepth) {
      return { path: pathOf(v), message: `nests maps and lists more than ${maxDepth} levels deep; flatten the values` };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: v.depth + 1, key: i, parent: v });
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i]], depth: v.depth + 1, key: keys[i], parent: v });
    }
  }
  return undefined;
}
