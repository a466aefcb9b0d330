// kube-score (github.com/zegl/kube-score) on the chart rendered by both Helms, with
// the defaults and with everything on: no CRITICAL finding but the deliberate ones
// listed here, each with its reason.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { EVERYTHING_ON } from '../cases/values-cases';
import { buildChart } from '../support/chart-fixture';
import { HELMS, toolPath } from '../support/tools';

jest.setTimeout(60_000);

/** kube-score's grades: 1 critical, 5 warning, 10 ok. */
const CRITICAL = 1;

/** Deliberate CRITICAL findings: "<kind>/<name> <check id>" -> why. */
const DELIBERATE_DEFAULTS: Record<string, string> = {
  'Deployment/rel-hello container-image-pull-policy':
    'IfNotPresent, not Always: releases pin an immutable tag or a digest (image.digest), so a pull per pod start buys nothing and makes every restart depend on the registry',
  'Deployment/rel-hello pod-networkpolicy':
    'networkPolicy.enabled is off by default: which namespaces may call the service (ingress controller, gateway, Prometheus) is cluster-specific, and a policy that guesses wrong cuts traffic off',
  'Pod/rel-hello-test container-image-pull-policy': 'the helm test pod follows the service: IfNotPresent, so clusters with pre-loaded images can run helm test',
  'Pod/rel-hello-test pod-networkpolicy':
    "the helm test pod only calls out; the chart's NetworkPolicy (when on) admits it to the service pods, and nothing needs to reach it",
};
const { 'Deployment/rel-hello pod-networkpolicy': _selected, ...DELIBERATE_EVERYTHING_ON } = DELIBERATE_DEFAULTS;

const work = mkdtempSync(path.join(tmpdir(), 'goservice-kube-score-'));
const chart = buildChart('hello', work);
afterAll(() => rmSync(work, { recursive: true, force: true }));
const helmEnv = { ...process.env, HELM_CONFIG_HOME: `${work}/config`, HELM_CACHE_HOME: `${work}/cache`, HELM_DATA_HOME: `${work}/data` };

interface Finding {
  object: string;
  check: string;
  grade: number;
}

function findings(helmBin: string, values: Record<string, unknown>): Finding[] {
  const valuesFile = path.join(work, `values-${Object.keys(values).length}.yaml`);
  writeFileSync(valuesFile, stringify(values));
  const rendered = spawnSync(helmBin, ['template', 'rel', chart, '--namespace', 'apps', '-f', valuesFile], { encoding: 'utf8', env: helmEnv });
  expect({ status: rendered.status, stderr: rendered.stderr }).toEqual({ status: 0, stderr: '' });
  const manifest = path.join(work, 'rendered.yaml');
  writeFileSync(manifest, rendered.stdout);
  // exit 1 when there is a CRITICAL finding; the JSON says which
  const r = spawnSync(toolPath('kube-score'), ['score', manifest, '--output-format', 'json'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout).flatMap((o: any) =>
    o.checks
      .filter((c: any) => !c.skipped)
      .map((c: any) => ({ object: `${o.type_meta.kind}/${o.object_meta.name}`, check: c.check.id, grade: c.grade })),
  );
}

const criticals = (f: Finding[]) => f.filter((x) => x.grade === CRITICAL).map((x) => `${x.object} ${x.check}`).sort();

describe.each(HELMS)('kube-score on the chart rendered by $name', (helm) => {
  test('defaults: only the deliberate CRITICAL findings', () => {
    expect(criticals(findings(helm.bin, {}))).toEqual(Object.keys(DELIBERATE_DEFAULTS).sort());
  });

  test('everything on: only the deliberate CRITICAL findings; the NetworkPolicy selects the service pods', () => {
    const f = findings(helm.bin, EVERYTHING_ON);
    expect(criticals(f)).toEqual(Object.keys(DELIBERATE_EVERYTHING_ON).sort());
    expect(f).toContainEqual({ object: 'Deployment/rel-hello', check: 'pod-networkpolicy', grade: 10 });
    expect(f).toContainEqual({ object: 'Deployment/rel-hello', check: 'container-ephemeral-storage-request-and-limit', grade: 10 });
  });
});
