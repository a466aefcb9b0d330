import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, UsageError, ValidationError } from '../../src/errors';
import { bump, nextVersion } from '../../src/release/bump';

const CHART = `# The chart of the hello service.
apiVersion: v2
name: hello
description: hello service # kept
type: application
# Bumped with helm goservice bump.
version: 0.1.0
appVersion: "1.0.0"
`;
const VALUES = (tag: string) => `replicaCount: 1
image:
  # Registry and repository.
  repository: example.com/hello
  tag: "${tag}" # empty: the chart's appVersion
`;

/** A module dir with charts/<names...>; returns [cwd, chartDir of the first]. */
function project(names = ['hello'], tag = '1.0.0'): [string, string] {
  const cwd = mkdtempSync(join(tmpdir(), 'bump-'));
  for (const n of names) {
    mkdirSync(join(cwd, 'charts', n), { recursive: true });
    writeFileSync(join(cwd, 'charts', n, 'Chart.yaml'), CHART);
    writeFileSync(join(cwd, 'charts', n, 'values.yaml'), VALUES(tag));
  }
  return [cwd, join(cwd, 'charts', names[0])];
}
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

describe('nextVersion', () => {
  it.each([
    ['1.2.3', 'major', undefined, '2.0.0'],
    ['1.2.3', 'minor', undefined, '1.3.0'],
    ['1.2.3', 'patch', undefined, '1.2.4'],
    ['1.2.3', 'premajor', 'rc', '2.0.0-rc.0'],
    ['1.2.3', 'preminor', undefined, '1.3.0-0'],
    ['1.2.3', 'prepatch', 'beta', '1.2.4-beta.0'],
    ['1.3.0-rc.0', 'prerelease', 'rc', '1.3.0-rc.1'],
    ['1.3.0-rc.1', 'patch', undefined, '1.3.0'],
    ['1.2.3', '1.10.0', undefined, '1.10.0'],
    ['1.2.3', 'v2.0.0', undefined, '2.0.0'],
  ])('%s %s (preid %s) -> %s', (from, target, preid, to) => {
    expect(nextVersion(from, target, preid)).toBe(to);
  });

  it('refuses versions that do not increase, malformed ones and bad preids', () => {
    expect(() => nextVersion('1.2.3', '1.2.3')).toThrow(/does not increase the chart version 1.2.3/);
    expect(() => nextVersion('1.2.3', '1.2.3-rc.1')).toThrow(UsageError);
    expect(() => nextVersion('1.2.3', '1.2')).toThrow(/neither a bump level nor a SemVer version/);
    expect(() => nextVersion('1.2.3', 'minor', 'r c')).toThrow(/--preid/);
  });
});

describe('bump', () => {
  it('keeps comments and key order; image.tag equal to appVersion follows it', () => {
    const [cwd, dir] = project();
    const r = bump({ target: 'minor', appVersion: '1.1.0', cwd });
    expect(r).toEqual({ chartDir: dir, version: { from: '0.1.0', to: '0.2.0' }, appVersion: { from: '1.0.0', to: '1.1.0' }, imageTag: { from: '1.0.0', to: '1.1.0', updated: true } });
    expect(read(dir, 'Chart.yaml')).toBe(CHART.replace('version: 0.1.0', 'version: 0.2.0').replace('appVersion: "1.0.0"', 'appVersion: "1.1.0"'));
    expect(read(dir, 'values.yaml')).toBe(VALUES('1.1.0'));
  });

  it('an empty image.tag already follows appVersion; a pinned one is kept', () => {
    const [cwd1, dir1] = project(['hello'], '');
    expect(bump({ target: 'patch', appVersion: '1.0.1', cwd: cwd1 }).imageTag).toEqual({ from: '', to: '', updated: false });
    expect(read(dir1, 'values.yaml')).toBe(VALUES(''));
    const [cwd2, dir2] = project(['hello'], 'sha-abc123');
    expect(bump({ target: 'patch', appVersion: '1.0.1', cwd: cwd2 }).imageTag).toEqual({ from: 'sha-abc123', to: 'sha-abc123', updated: false });
    expect(read(dir2, 'values.yaml')).toBe(VALUES('sha-abc123'));
  });

  it('without --app-version only the chart version moves', () => {
    const [cwd, dir] = project();
    const r = bump({ target: '0.1.1', cwd });
    expect(r.appVersion).toEqual({ from: '1.0.0', to: '1.0.0' });
    expect(read(dir, 'Chart.yaml')).toBe(CHART.replace('version: 0.1.0', 'version: 0.1.1'));
    expect(read(dir, 'values.yaml')).toBe(VALUES('1.0.0'));
  });

  it('--chart picks one of several charts; without it the choices are listed', () => {
    const [cwd] = project(['api', 'worker']);
    expect(() => bump({ target: 'patch', cwd })).toThrow(/several charts under \.\/charts: api, worker/);
    expect(bump({ target: 'patch', chart: 'charts/worker', cwd }).version.to).toBe('0.1.1');
    expect(() => bump({ target: 'patch', cwd: mkdtempSync(join(tmpdir(), 'none-')) })).toThrow(NotFoundError);
  });

  it('changes nothing when anything is wrong', () => {
    const [cwd, dir] = project();
    const before = [read(dir, 'Chart.yaml'), read(dir, 'values.yaml')];
    expect(() => bump({ target: '0.0.9', appVersion: '2.0.0', cwd })).toThrow(/does not increase/);
    expect(() => bump({ target: 'minor', appVersion: 'bad tag!', cwd })).toThrow(/--app-version/);
    expect([read(dir, 'Chart.yaml'), read(dir, 'values.yaml')]).toEqual(before);

    writeFileSync(join(dir, 'Chart.yaml'), CHART.replace('0.1.0', 'one'));
    expect(() => bump({ target: 'minor', cwd })).toThrow(ValidationError);
    writeFileSync(join(dir, 'Chart.yaml'), 'name: [unclosed\n');
    expect(() => bump({ target: 'minor', cwd })).toThrow(/not valid YAML/);
    expect(read(dir, 'values.yaml')).toBe(before[1]);
  });
});
