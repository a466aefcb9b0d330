import { UsageError } from '../errors';

export interface NodeTerm {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/**
 * Node selector terms in kubectl's label-selector spelling:
 *   disktype=ssd,nvme -> In     disktype!=hdd -> NotIn     gpu -> Exists
 *   !spot -> DoesNotExist       cores>4 -> Gt              cores<64 -> Lt
 */
export function parseNodeTerm(flag: string, expr: string): NodeTerm {
  const m = /^(!?)([^=!<>\s]+)(?:(=|!=|>|<)(.*))?$/.exec(expr.trim());
  if (!m || (m[1] && m[3])) throw badTerm(flag, expr);
  const [, not, key, op, rest] = m;
  if (!op) return { key, operator: not ? 'DoesNotExist' : 'Exists' };
  const values = rest.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw badTerm(flag, expr);
  const operator = ({ '=': 'In', '!=': 'NotIn', '>': 'Gt', '<': 'Lt' } as const)[op as '=' | '!=' | '>' | '<'];
  return { key, operator, values };
}

/** `WEIGHT:EXPR`, e.g. `80:disktype=ssd`. */
export function parsePreferredTerm(flag: string, spec: string): NodeTerm & { weight: number } {
  const m = /^(\d+):(.+)$/.exec(spec);
  if (!m) throw new UsageError(flag, `"${spec}" must be WEIGHT:TERM, e.g. 80:disktype=ssd (weight 1-100)`);
  return { weight: Number(m[1]), ...parseNodeTerm(flag, m[2]) };
}

const badTerm = (flag: string, expr: string) =>
  new UsageError(
    flag,
    `"${expr}" is not a node label term`,
    'write key=v1,v2 (In), key!=v (NotIn), key (Exists), !key (DoesNotExist), key>N (Gt) or key<N (Lt)',
  );
