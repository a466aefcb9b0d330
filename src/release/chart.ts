// Locating a chart directory and reading what the release flow needs from it.
// Chart files come from whoever wrote the chart: each is read bounded (regular
// files only, size-limited) and checked for shape before anything recursive.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ExitCode, NotFoundError, UsageError, ValidationError } from '../errors';
import { readBounded } from '../files/read';
import { LIMITS } from '../values/limits';
import { parseValuesYaml } from '../values/read-yaml';
import { compileSchema } from '../values/validate';

/** The chart to use: `explicit`, else the single chart under ./charts. */
export function findChartDir(explicit: string | undefined, cwd = process.cwd()): string {
  if (explicit) {
    const dir = resolve(cwd, explicit);
    if (!existsSync(join(dir, 'Chart.yaml'))) throw new NotFoundError(`no Chart.yaml in ${explicit}`, 'pass the directory of a chart (the one holding Chart.yaml)');
    return dir;
  }
  const root = join(cwd, 'charts');
  const found = existsSync(root)
    ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'Chart.yaml'))).map((d) => d.name)
    : [];
  if (found.length === 1) return join(root, found[0]);
  if (!found.length) throw new NotFoundError('no chart found under ./charts', 'run helm goservice create NAME first, or pass --chart DIR');
  throw new UsageError('--chart', `several charts under ./charts: ${found.sort().join(', ')}`, `choose one, e.g. --chart charts/${found[0]}`);
}

/**
 * A chart file's text: a regular file of at most `maxBytes`. A missing file is a
 * NotFoundError; a special or oversized one makes the chart invalid (exit 3).
 */
export function readText(file: string, maxBytes: number = LIMITS.chartFileBytes): string {
  const field = basename(file);
  try {
    return readBounded(file, { maxBytes, field });
  } catch (e) {
    if ((e as { exitCode?: number }).exitCode === ExitCode.notFound) throw new NotFoundError(`${file} does not exist`, 'check the chart directory');
    const prefix = `${field}: ${file} `;
    if (e instanceof UsageError && e.message.startsWith(prefix)) throw new ValidationError([{ path: '(file)', message: e.message.slice(prefix.length) }], file);
    throw e;
  }
}

/** YAML mapping in a chart file (values.yaml), read as Helm reads it; a missing file is an empty mapping. */
export function readYamlMap(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  return valuesFromText(readText(file, LIMITS.valuesFileBytes), file);
}

/** values.yaml's text (from a file or an archive) as a mapping; problems name `source`. */
export function valuesFromText(text: string, source: string): Record<string, unknown> {
  return parseValuesYaml(text, (problem) => new ValidationError([{ path: '', message: problem }], source));
}

/**
 * The chart's own values.schema.json, or undefined when it has none. It is
 * checked (size, depth, patterns, cost) and compiled here, so problems name the file.
 */
export function readSchema(chartDir: string): object | undefined {
  const file = join(chartDir, 'values.schema.json');
  if (!existsSync(file)) return undefined;
  return schemaFromText(readText(file, LIMITS.schemaFileBytes), file);
}

/** values.schema.json's text (from a file or an archive), checked and compiled; problems name `source`. */
export function schemaFromText(text: string, source: string): object {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new ValidationError([{ path: '', message: `not valid JSON: ${e.message}` }], source);
  }
  compileSchema(schema as object, source);
  return schema as object;
}
