// `ci`: plan the pipeline from flags, module and chart; render the chosen output;
// write it through the one writer (or only print it).
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import { shownValue } from '../inputs/grammar';
import { CI_OUTPUTS } from '../outputs/registry';
import { applyFiles, FileReport } from '../write/apply';
import { ciPlan, CiOptions, DEFAULT_ENV } from './options';
import { CiPlan } from './stages';

export interface CiResult {
  system: string;
  path: string;
  plan: CiPlan;
  files: FileReport[];
  dryRun: boolean;
  content?: string; // with --stdout: the file, written nowhere
}

export function generateCi(system: string, o: CiOptions & { force: boolean; dryRun: boolean; stdout: boolean }): CiResult {
  const output = CI_OUTPUTS.find((x) => x.id === system);
  if (!output) throw new UsageError('SYSTEM', `${shownValue(system)} is not one of ${CI_OUTPUTS.map((x) => x.id).join(', ')}`, 'use helm goservice ci github or helm goservice ci gitlab');
  const plan = ciPlan(o);
  const content = output.render(plan, commandLine(system, o, plan));
  if (o.stdout) return { system, path: output.path, plan, files: [], dryRun: true, content };
  const files = applyFiles(resolve(o.dir), new Map([[output.path, content]]), { force: o.force, dryRun: o.dryRun });
  return { system, path: output.path, plan, files, dryRun: o.dryRun };
}

/** The command that makes this file, for its header: only checked values, no --dir/--force. */
function commandLine(system: string, o: CiOptions, plan: CiPlan): string {
  const words = ['helm goservice ci', system];
  if (o.chart !== undefined) words.push('--chart', plan.chartDir);
  if (plan.registry) words.push('--registry', plan.registry);
  const envs = plan.environments.map((e) => `${e.name}=${e.namespace}`);
  if (envs.join() !== DEFAULT_ENV) for (const e of envs) words.push('--env', e);
  if (plan.branch !== 'main') words.push('--branch', plan.branch);
  if (o.goVersion !== undefined) words.push('--go-version', o.goVersion);
  if (o.release !== undefined) words.push('--release', plan.release);
  if (plan.versionFrom !== 'registry') words.push('--version-from', plan.versionFrom);
  if (plan.platforms !== DEFAULT_PLATFORMS) words.push('--platform', plan.platforms);
  return words.join(' ');
}

export const DEFAULT_PLATFORMS = 'linux/amd64,linux/arm64';
