// Checks the `ci` command's flags and reads the module and chart they name: every
// value that reaches a generated pipeline passes an allow-list grammar here.
import { relative, resolve, sep } from 'node:path';
import { UsageError, ValidationError } from '../errors';
import { detectModule } from '../gomod/detect';
import { defaultCiGoVersion, downloadableGo } from '../gomod/go-releases';
import { checkToken, GRAMMAR, matches, shownValue } from '../inputs/grammar';
import { findChartDir, readYamlMap } from '../release/chart';
import { checkRelease } from '../release/names';
import { CiPlan, Environment } from './stages';

export interface CiOptions {
  dir: string;
  chart?: string;
  registry?: string;
  env: string[]; // name=NAMESPACE
  branch: string;
  goVersion?: string;
  release?: string;
  versionFrom: string;
  platforms: string;
}

export const VERSION_FROM = ['registry', 'tag'] as const;
// Environments deployed only after a person approves.
const GATED = new Set(['production', 'prod']);
export const DEFAULT_ENV = 'staging=staging';

export function ciPlan(o: CiOptions): CiPlan {
  if (o.registry !== undefined) checkToken('ociRegistry', '--registry', o.registry);
  checkToken('gitBranch', '--branch', o.branch);
  checkToken('platforms', '--platform', o.platforms);
  if (!(VERSION_FROM as readonly string[]).includes(o.versionFrom)) {
    throw new UsageError('--version-from', `${shownValue(o.versionFrom)} is not one of ${VERSION_FROM.join(', ')}`, 'use --version-from registry (next patch, appVersion = commit) or --version-from tag (a vX.Y.Z tag)');
  }
  const environments = parseEnvironments(o.env.length ? o.env : [DEFAULT_ENV]);
  const root = resolve(o.dir);
  const module = detectModule(root);
  const goVersion = o.goVersion === undefined ? defaultCiGoVersion(module) : downloadableGo(checkToken('goRelease', '--go-version', o.goVersion));
  const chartDir = chartDirIn(root, o.chart);
  const chartName = readYamlMap(resolve(root, chartDir, 'Chart.yaml')).name;
  if (!matches('chartName', chartName)) {
    throw new ValidationError([{ path: 'name', value: chartName, message: `must be ${GRAMMAR.chartName.expected}` }], `${chartDir}/Chart.yaml`);
  }
  return {
    chartDir,
    chartName,
    release: o.release === undefined ? checkRelease(chartName, true) : checkRelease(o.release, true),
    registry: o.registry,
    environments,
    branch: o.branch,
    goVersion,
    versionFrom: o.versionFrom as CiPlan['versionFrom'],
    platforms: o.platforms,
  };
}

/** --env name=NAMESPACE, each name once; production (or prod) is gated. */
export function parseEnvironments(given: string[]): Environment[] {
  const out: Environment[] = [];
  for (const e of given) {
    const eq = e.indexOf('=');
    if (eq < 0) throw new UsageError('--env', `${shownValue(e)} is not name=NAMESPACE`, 'use e.g. --env staging=shop-staging --env production=shop');
    const name = checkToken('environmentName', '--env', e.slice(0, eq));
    const namespace = checkToken('namespace', '--env', e.slice(eq + 1));
    if (out.some((x) => x.name === name)) throw new UsageError('--env', `environment ${shownValue(name)} is given twice`, 'give each environment once');
    out.push({ name, namespace, manual: GATED.has(name) });
  }
  return out;
}

/** The chart directory relative to the module root: given, or the single chart under charts/. */
function chartDirIn(root: string, given: string | undefined): string {
  const rel = relative(root, findChartDir(given, root)).split(sep).join('/');
  if (!matches('relativeDir', rel)) throw new UsageError('--chart', `${shownValue(given ?? rel)} is not a directory inside the module`, `use ${GRAMMAR.relativeDir.expected}`);
  return rel;
}
