import { resolve } from 'node:path';
import type { GoserviceChartValues } from '../generated/values';
import { ValidationError, ValidationIssue } from '../errors';
import { compareGoVersions, detectModule } from '../gomod/detect';
import { defaultBuilderGoVersion } from '../gomod/go-releases';
import { GoModule, Runtime } from '../model';
import { Assets, loadAssets } from '../render/assets';
import { render, ServiceModel } from '../render/render';
import { schemaDefaults } from '../schema/walk';
import { loadValuesFiles, mergeValues, parseSet } from '../values/merge';
import { valuesIssues } from '../values/validate';
import { applyFiles, FileReport } from '../write/apply';
import { FlagValue, toValuesLayer } from './value-flags';
import { NodeTerm } from './node-terms';
import { checkChartDirInModule, checkCreateOptions } from './options';

export interface CreateOptions {
  name: string;
  dir: string; // the Go module root
  chartDir?: string; // relative to dir; default charts/NAME
  main?: string;
  goVersion?: string; // builder image tag override
  runtime: Runtime;
  versionVariable?: string;
  appVersion: string;
  chartVersion: string;
  flagValues: FlagValue[];
  nodeRequired: NodeTerm[];
  nodePreferred: (NodeTerm & { weight: number })[];
  valuesFiles: string[];
  set: string[];
  chartOnly: boolean;
  dockerfileOnly: boolean;
  force: boolean;
  dryRun: boolean;
}

export interface CreateResult {
  dir: string;
  chartDir: string;
  module: GoModule;
  files: FileReport[];
  dryRun: boolean;
}

const UID = 65532; // distroless "nonroot"; the chart's securityContext and the Dockerfile's USER

/** Detect, merge, validate, render, write: nothing is written unless all pass. */
export function createService(o: CreateOptions, assets: Assets = loadAssets()): CreateResult {
  const { module, chartDir, files } = planService(o, assets);
  const report = applyFiles(resolve(o.dir), files, { force: o.force, dryRun: o.dryRun, dirs: o.dockerfileOnly ? [] : [chartDir] });
  return { dir: resolve(o.dir), chartDir, module, files: report, dryRun: o.dryRun };
}

/** Everything but the writing: the files `create` would produce. */
export function planService(given: CreateOptions, assets: Assets = loadAssets()) {
  const o = checkCreateOptions(given);
  const { chartDir } = o;
  const module = detectModule(o.dir, o.main);
  if (!o.chartOnly) checkChartDirInModule(chartDir, module);
  const values = chartValues(o, module, assets);
  const model: ServiceModel = {
    name: o.name,
    modulePath: module.modulePath,
    chartDir,
    chartVersion: o.chartVersion,
    appVersion: o.appVersion,
    description: `A Helm chart for the Go service ${module.modulePath}`,
    values,
    chart: !o.dockerfileOnly,
    dockerfile: o.chartOnly
      ? undefined
      : {
          ...builderImage(o.goVersion, module),
          runtime: o.runtime,
          mainPackage: module.mainPackage,
          binaryName: o.name,
          port: values.containerPort,
          uid: values.securityContext?.runAsUser ?? UID,
          vendored: module.vendored,
          hasGoSum: module.hasGoSum,
          localReplaceDirs: module.localReplaceDirs,
          versionVariable: o.versionVariable,
          chartDir,
        },
  };
  return { module, chartDir, files: render(model, assets) };
}

/** golang:<--go-version>, else a supported Go release that can build the module. */
function builderImage(goVersion: string | undefined, module: GoModule): { builderImage: string; builderReason: string } {
  if (goVersion !== undefined) return { builderImage: `golang:${goVersion}`, builderReason: 'from --go-version' };
  const { tag, reason } = defaultBuilderGoVersion(module);
  return { builderImage: `golang:${tag}`, builderReason: reason };
}

/** Schema defaults < what the module implies < flags < -f files < --set, then validated. */
function chartValues(o: CreateOptions, module: GoModule, assets: Assets): GoserviceChartValues {
  const detected = {
    image: { repository: o.name },
    goRuntime: { maxProcsFromCpuLimit: compareGoVersions(module.goVersion, '1.25') < 0 },
    ...servedValues(module),
  };
  const nodeAffinity = {
    ...(o.nodeRequired.length ? { required: o.nodeRequired } : {}),
    ...(o.nodePreferred.length ? { preferred: o.nodePreferred } : {}),
  };
  const values = mergeValues(
    schemaDefaults(assets.schema),
    detected,
    toValuesLayer(o.flagValues),
    Object.keys(nodeAffinity).length ? { nodeAffinity } : {},
    ...loadValuesFiles(o.valuesFiles),
    parseSet(o.set),
  );
  const issues = valuesIssues(values, assets.schema).map((i) => withFlag(i, o.flagValues));
  if (issues.length) throw new ValidationError(issues);
  return values as unknown as GoserviceChartValues; // validated above
}

/** Native gRPC health probes and a port named grpc; metrics for a Prometheus client. */
function servedValues(module: GoModule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (module.serves?.grpcHealth) {
    const grpc = { grpc: { service: '' } };
    out.service = { appProtocol: 'grpc' };
    out.probes = { liveness: grpc, readiness: grpc, startup: grpc };
  }
  if (module.serves?.metrics) out.metrics = { enabled: true };
  return out;
}

/** Names the flag that set a failing key, so the user knows what to change. */
function withFlag(issue: ValidationIssue, flags: FlagValue[]): ValidationIssue {
  const f = flags.find((x) => x.path === issue.path);
  return f ? { ...issue, path: `${issue.path} (${f.flag})` } : issue;
}
