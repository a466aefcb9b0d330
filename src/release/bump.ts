// bump: raise the chart's semver in Chart.yaml (comments and key order kept) and,
// with --app-version, its appVersion, keeping values.yaml image.tag in step.
//
// image.tag rule: an empty image.tag already follows appVersion (the chart falls
// back to it), so it is left alone; a non-empty image.tag equal to the old
// appVersion is moved to the new one; any other tag is a deliberate pin and is
// kept (the result says so).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReleaseType } from 'semver';
import gt from 'semver/functions/gt';
import inc from 'semver/functions/inc';
import valid from 'semver/functions/valid';
import { Document, parseDocument } from 'yaml';
import { UsageError, ValidationError } from '../errors';
import { checkToken } from '../inputs/grammar';
import { helmYamlText } from '../render/helm-yaml';
import { chartLockPath } from '../write/apply';
import { withLock } from '../write/lock';
import { realDir } from '../write/paths';
import { realFile, removeStaleTemps, replaceFile } from '../write/replace';
import { findChartDir, readText } from './chart';

export const BUMP_LEVELS = ['major', 'minor', 'patch', 'premajor', 'preminor', 'prepatch', 'prerelease'] as const;

export interface BumpOptions {
  target: string; // a level from BUMP_LEVELS or an explicit version
  chart?: string; // chart directory; default: the single chart under ./charts
  preid?: string; // prerelease identifier, e.g. rc
  appVersion?: string;
  cwd?: string;
}

export interface Change {
  from: string;
  to: string;
}

export interface BumpResult {
  chartDir: string;
  version: Change;
  appVersion: Change;
  imageTag: (Change & { updated: boolean }) | null; // null when values.yaml has no image.tag
}

/**
 * Reads, checks and writes under the chart's lock, so concurrent bumps run one
 * after another (each sees the version the previous one wrote). Chart.yaml and
 * values.yaml are edited where they really are: through links, keeping modes.
 */
export function bump(o: BumpOptions): BumpResult {
  if (o.appVersion !== undefined) checkToken('imageTag', '--app-version', o.appVersion); // it becomes the default image tag
  const chartDir = findChartDir(o.chart, o.cwd);
  const chartFile = realFile(join(chartDir, 'Chart.yaml'));
  return withLock(chartLockPath(realDir(chartDir, '--chart')), `the chart ${chartDir}`, () => {
    removeStaleTemps(dirname(chartFile));
    return bumpLocked(o, chartDir, chartFile);
  });
}

function bumpLocked(o: BumpOptions, chartDir: string, chartFile: string): BumpResult {
  const chart = parseYamlDoc(chartFile);

  const oldVersion = String(chart.get('version') ?? '');
  if (!valid(oldVersion)) throw new ValidationError([{ path: 'version', value: oldVersion || undefined, message: 'must be a SemVer 2 version such as 0.1.0' }], chartFile);
  const version = nextVersion(oldVersion, o.target, o.preid);

  const oldApp = String(chart.get('appVersion') ?? '');
  const app = o.appVersion ?? oldApp;

  // values.yaml is optional; image.tag follows the rule in the header.
  const valuesFile = join(chartDir, 'values.yaml');
  const values = readOptional(valuesFile);
  const oldTag = values?.getIn(['image', 'tag']);
  let imageTag: BumpResult['imageTag'] = null;
  if (values && typeof oldTag === 'string') {
    const follow = oldTag !== '' && oldTag === oldApp && app !== oldApp;
    imageTag = { from: oldTag, to: follow ? app : oldTag, updated: follow };
    if (follow) values.setIn(['image', 'tag'], app);
  }

  // Everything is checked: now write.
  chart.set('version', version);
  if (app !== oldApp) chart.set('appVersion', app);
  // values.yaml first: an interrupted run then leaves the version unbumped, and
  // the next bump sees the moved tag as a pin equal to the new appVersion.
  if (imageTag?.updated) replaceFile(valuesFile, helmYamlText(values!, valuesFile));
  replaceFile(chartFile, helmYamlText(chart, chartFile));
  return { chartDir, version: { from: oldVersion, to: version }, appVersion: { from: oldApp, to: app }, imageTag };
}

/** The version after `target` (a level or an explicit version); it must increase. */
export function nextVersion(current: string, target: string, preid?: string): string {
  if ((BUMP_LEVELS as readonly string[]).includes(target)) {
    if (preid !== undefined && !/^(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)$/.test(preid)) {
      throw new UsageError('--preid', `${JSON.stringify(preid)} is not a SemVer prerelease identifier`, 'use letters, digits and "-" (a number has no leading zero), e.g. rc');
    }
    const level = target as ReleaseType;
    const next = preid === undefined ? inc(current, level) : inc(current, level, preid);
    if (!next || !valid(next)) throw new UsageError('version', `cannot ${target} ${current}${preid === undefined ? '' : ` with --preid ${preid}`}`, 'give an explicit version, e.g. helm goservice bump 1.2.3');
    return next;
  }
  const v = valid(target);
  if (!v) throw new UsageError('version', `"${target}" is neither a bump level nor a SemVer version`, `use one of ${BUMP_LEVELS.join(', ')}, or a version such as 1.2.3`);
  if (!gt(v, current)) throw new UsageError('version', `${v} does not increase the chart version ${current}`, `choose a version greater than ${current}, e.g. ${inc(current, 'patch')}`);
  return v;
}

function parseYamlDoc(file: string): Document {
  const doc = parseDocument(readText(file));
  if (doc.errors.length) throw new ValidationError([{ path: '', message: `not valid YAML: ${doc.errors[0].message.split('\n')[0]}` }], file);
  if (!doc.contents || !('get' in doc.contents)) throw new ValidationError([{ path: '', message: 'must be a YAML mapping' }], file);
  return doc;
}

/** values.yaml as a document, or undefined when it is missing or empty. */
function readOptional(file: string): Document | undefined {
  if (!existsSync(file) || !readText(file).trim()) return undefined;
  return parseYamlDoc(file);
}
