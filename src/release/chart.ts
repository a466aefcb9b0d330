// Locating a chart directory and reading what the release flow needs from it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError, UsageError, ValidationError } from '../errors';
import { parseMapping } from '../values/merge';

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

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new NotFoundError(`${file} does not exist or cannot be read`);
  }
}

/** YAML mapping in a chart file (values.yaml); a missing file is an empty mapping. */
export function readYamlMap(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  return parseMapping(readText(file), (problem) => new ValidationError([{ path: '', message: problem }], file));
}

/** The chart's own values.schema.json, or undefined when it has none. */
export function readSchema(chartDir: string): object | undefined {
  const file = join(chartDir, 'values.schema.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readText(file));
  } catch (e) {
    throw new ValidationError([{ path: '', message: `not valid JSON: ${(e as Error).message}` }], file);
  }
}
