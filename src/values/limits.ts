// Limits on the size and shape of values and chart schemas, checked before any
// recursive or costly pass so hostile input fails fast with a clear message.
import { MiB } from '../files/read';

export const LIMITS = {
  /** Bytes of one -f/--values file or of a chart's values.yaml. */
  valuesFileBytes: 16 * MiB,
  /** Bytes of a chart's values.schema.json. */
  schemaFileBytes: 4 * MiB,
  /** Bytes of another chart file read by the release flow (Chart.yaml). */
  chartFileBytes: 1 * MiB,
  /** Nesting of maps and lists in values. */
  depth: 100,
  /** Nesting of objects and arrays in a values.schema.json. */
  schemaDepth: 200,
  /** Subschema checks one value of a chart schema may cost, $refs expanded. */
  schemaChecks: 1_000_000,
  /** Alias uses in one YAML document, weighted by what they expand to (entity-expansion attacks). */
  aliases: 10_000,
  /** Values (maps, lists and scalars) in one values file or --set layer, aliases expanded. */
  nodes: 2_000_000,
  /** Highest --set list index (Helm's strvals MaxIndex). */
  setIndex: 65536,
  /** Dotted name levels in one --set key (Helm's strvals MaxNestedNameLevel). */
  setNameLevels: 30,
  /** Characters of all --set arguments together. */
  setChars: 1 * MiB,
} as const;
