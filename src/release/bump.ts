// bump: raise the chart's semver in Chart.yaml (comments and key order kept) and,
// with --app-version, its appVersion, keeping values.yaml image.tag in step.
//
// image.tag rule: an empty image.tag already follows appVersion (the chart falls
// back to it), so it is left alone; a non-empty image.tag equal to the old
// appVersion is moved to the new one; any other tag is a deliberate pin and is
// kept (the result says so).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inc, ReleaseType, gt, valid } from 'semver';
import { Document, parseDocument } from 'yaml';
import { UsageError, ValidationError } from '../errors';
import { helmYamlText } from '../render/helm-yaml';
import { applyFiles } from '../write/apply';
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

// A tag Docker accepts, since appVersion becomes the default image tag.
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function bump(o: BumpOptions): BumpResult {
  const chartDir = findChartDir(o.chart, o.cwd);
  const chartFile = join(chartDir, 'Chart.yaml');
  const chart = parseYamlDoc(chartFile);

  const oldVersion = String(chart.get('version') ?? '');
  if (!valid(oldVersion)) throw new ValidationError([{ path: 'version', value: oldVersion || undefined, message: 'must be a SemVer 2 version such as 0.1.0' }], chartFile);
  const version = nextVersion(oldVersion, o.target, o.preid);

  const oldApp = String(chart.get('appVersion') ?? '');
  const app = o.appVersion ?? oldApp;
  if (o.appVersion !== undefined && !IMAGE_TAG.test(app)) {
    throw new UsageError('--app-version', `"${app}" cannot be an image tag`, 'use letters, digits, ".", "_" and "-" (max 128), e.g. 1.4.0');
  }

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

  // Everything is checked: now write, through the one writer.
  chart.set('version', version);
  if (app !== oldApp) chart.set('appVersion', app);
  const files = new Map([['Chart.yaml', helmYamlText(chart, chartFile)]]);
  if (imageTag?.updated) files.set('values.yaml', helmYamlText(values!, valuesFile));
  applyFiles(chartDir, files, { force: true, dryRun: false });
  return { chartDir, version: { from: oldVersion, to: version }, appVersion: { from: oldApp, to: app }, imageTag };
}

/** The version after `target` (a level or an explicit version); it must increase. */
export function nextVersion(current: string, target: string, preid?: string): string {
  if ((BUMP_LEVELS as readonly string[]).includes(target)) {
    if (preid !== undefined && !/^[0-9A-Za-z-]+$/.test(preid)) throw new UsageError('--preid', `"${preid}" is not a prerelease identifier`, 'use letters, digits and "-", e.g. rc');
    const level = target as ReleaseType;
    return (preid === undefined ? inc(current, level) : inc(current, level, preid))!;
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
