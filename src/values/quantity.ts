// Kubernetes resource quantities: "500m", "0.5", "128Mi", "1e3", or a plain number.
// The grammar is schemas/values.schema.json#/definitions/quantity; the chart's
// goservice.quantity template scales the same way (tests keep the three in step).

export const QUANTITY_PATTERN = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$/;

// Sub-unit suffixes divide and the others multiply, so "100m" is exactly 0.1.
const DIVISORS: Record<string, number> = { n: 1e9, u: 1e6, m: 1e3 };
const MULTIPLIERS: Record<string, number> = {
  '': 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A quantity as a number (cores for CPU, bytes for memory); throws when it is not one. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q) || q < 0) throw new RangeError(`not a Kubernetes quantity: ${q}`);
    return q;
  }
  const m = QUANTITY_PATTERN.exec(q);
  if (!m) throw new RangeError(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
  const [, num, , suffix = ''] = m;
  if (suffix in DIVISORS) return Number(num) / DIVISORS[suffix];
  if (suffix in MULTIPLIERS) return Number(num) * MULTIPLIERS[suffix];
  return Number(q.replace(/^\+/, '')); // a decimal exponent, e.g. 1e3
}
