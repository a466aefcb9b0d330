// Where a chart comes from, resolved once for every command that deploys or
// renders one: a chart directory (the working copy), a packaged .tgz, or a
// published version (oci://HOST/NAMESPACE/charts/NAME --version X). A published
// chart is pulled into the per-user cache keyed by its manifest digest, so the
// values are checked against the schema inside that very version and Helm is
// given the archive that was checked.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError, UsageError, ValidationError } from '../errors';
import { HelmClient } from '../helm/client';
import { checkSemver, shownValue } from '../inputs/grammar';
import { privateTempDir, userDir } from '../process/user-dir';
import type * as Registry from '../registry/client';
import { ociUrl, parseOciUrl, versionTag } from '../registry/reference';
import { NOT_A_MAPPING, parseValuesYaml } from '../values/read-yaml';
import { readChartArchive } from './chart-archive';
import { findChartDir, readSchema, readText, readYamlMap, schemaFromText, valuesFromText } from './chart';

export interface ChartSource {
  kind: 'directory' | 'archive' | 'oci';
  chart: string; // what Helm is given: the chart directory or a .tgz file
  label: string; // for messages: the directory, the archive, or oci://...:VERSION
  name: string;
  version: string;
  appVersion: string;
  defaults: Record<string, unknown>; // the chart's values.yaml
  schema: object | undefined; // the chart's values.schema.json
  digest?: string; // oci: the chart manifest's digest
}

export interface ChartSourceOptions {
  version?: string; // with an oci:// chart: the version to use (required)
  caFile?: string; // with an oci:// chart: a CA to trust for the registry
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The chart named by `arg` (default: the single chart under ./charts), read and checked, nothing deployed. */
export async function resolveChart(helm: HelmClient, arg: string | undefined, o: ChartSourceOptions = {}): Promise<ChartSource> {
  if (arg?.startsWith('oci://')) return fromRegistry(helm, arg, o);
  if (o.version !== undefined) throw new UsageError('--version', 'is for a published chart (oci://...)', `drop --version: ${arg ?? 'the chart directory'} is what gets deployed`);
  if (o.caFile !== undefined) throw new UsageError('--ca-file', 'is for a published chart (oci://...)', 'drop --ca-file');
  const path = arg === undefined ? undefined : resolve(o.cwd ?? process.cwd(), arg);
  if (path && /\.(tgz|tar\.gz)$/.test(path) && existsSync(path) && statSync(path).isFile()) return fromArchive(readChartArchive(path), path, 'archive', path);
  const dir = findChartDir(arg, o.cwd);
  const meta = chartMeta(readText(join(dir, 'Chart.yaml')), join(dir, 'Chart.yaml'));
  return { kind: 'directory', chart: dir, label: dir, ...meta, defaults: readYamlMap(join(dir, 'values.yaml')), schema: readSchema(dir) };
}

function fromArchive(a: ReturnType<typeof readChartArchive>, file: string, kind: 'archive' | 'oci', label: string): ChartSource {
  const meta = chartMeta(a.files.get('Chart.yaml')!, `${label} Chart.yaml`);
  const values = a.files.get('values.yaml');
  const schema = a.files.get('values.schema.json');
  return {
    kind,
    chart: file,
    label,
    ...meta,
    defaults: values === undefined ? {} : valuesFromText(values, `${label} values.yaml`),
    schema: schema === undefined ? undefined : schemaFromText(schema, `${label} values.schema.json`),
  };
}

/** name, version and appVersion of a Chart.yaml's text, read as Helm reads it (YAML 1.1). */
export function chartMeta(text: string, source: string): { name: string; version: string; appVersion: string } {
  const shape = 'must be a mapping with a name and a version';
  const doc = parseValuesYaml(text, (problem) => new ValidationError([{ path: '', message: problem.startsWith(NOT_A_MAPPING) ? shape : problem }], source));
  if (typeof doc.name !== 'string' || typeof doc.version !== 'string') throw new ValidationError([{ path: '', message: shape }], source);
  return { name: doc.name, version: doc.version, appVersion: doc.appVersion === undefined ? '' : String(doc.appVersion) };
}

async function fromRegistry(helm: HelmClient, arg: string, o: ChartSourceOptions): Promise<ChartSource> {
  const loc = parseOciUrl('CHART', arg, 'oci://ghcr.io/acme/charts/orders');
  if (!loc.path) throw new UsageError('CHART', `${shownValue(arg)} names no chart repository`, 'use oci://HOST/NAMESPACE/charts/NAME --version X');
  if (o.version === undefined) throw new UsageError('--version', `is required with a published chart (${arg})`, `pick one from: helm goservice versions ${arg}`);
  const version = checkSemver('--version', o.version);
  const ref = ociUrl(loc);
  const label = `${ref}:${version}`;
  const { RegistryClient }: typeof Registry = require('../registry/client'); // loaded for oci:// charts only: it loads Node's HTTPS and TLS
  const registry = new RegistryClient(loc.host, { caFile: o.caFile, env: o.env });
  let digest: string | null;
  try {
    digest = await registry.digest(loc.path, versionTag(version));
  } finally {
    registry.close();
  }
  if (!digest) throw new NotFoundError(`${label} is not in the registry`, `list the published versions with: helm goservice versions ${ref}`);
  const cache = userDir('charts', { env: o.env });
  const cached = cache && join(cache, `${digest.replace(':', '-')}.tgz`);
  if (cached && existsSync(cached)) return { ...fromArchive(readChartArchive(cached), cached, 'oci', label), digest };

  // Pulled into a private directory, checked against the digest asked for, then moved into the cache.
  const tmp = privateTempDir('goservice-pull-', { env: o.env });
  try {
    const pulled = await helm.pull(ref, version, tmp.path, { caFile: o.caFile, host: loc.host });
    if (pulled.digest !== digest) throw new ValidationError([{ path: '(digest)', message: `the registry named ${digest}, but Helm pulled ${pulled.digest}: the version was pushed again meanwhile` }], label, 'run again');
    const file = readdirSync(tmp.path).filter((f) => f.endsWith('.tgz'));
    if (file.length !== 1) throw new ValidationError([{ path: '(archive)', message: `helm pull wrote ${file.length} archives` }], label);
    const archive = join(tmp.path, file[0]);
    const source = { ...fromArchive(readChartArchive(archive), archive, 'oci', label), digest };
    if (!cached) return source; // no usable cache: the pulled archive is used from the temp dir, removed at exit
    mkdirSync(cache, { recursive: true });
    renameSync(archive, cached);
    return { ...source, chart: cached };
  } finally {
    if (cached) tmp.remove();
  }
}
