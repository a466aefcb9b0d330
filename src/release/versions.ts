// versions: the chart versions published in a registry (its tag list, "_" read
// back as "+"), newest first, so a user can pick one to deploy or roll back to.
import rcompare from 'semver/functions/rcompare';
import valid from 'semver/functions/valid';
import { UsageError } from '../errors';
import { shownValue } from '../inputs/grammar';
import { RegistryClient } from '../registry/client';
import { ociUrl, parseOciUrl, tagVersion } from '../registry/reference';

export interface VersionsResult {
  chart: string; // oci://HOST/NAMESPACE/charts/NAME
  versions: string[]; // SemVer, newest first
  otherTags: string[]; // tags that are no chart version (e.g. latest), as listed
}

export async function listVersions(ref: string, o: { caFile?: string; env?: NodeJS.ProcessEnv } = {}): Promise<VersionsResult> {
  const loc = parseOciUrl('CHART', ref, 'oci://ghcr.io/acme/charts/orders');
  if (!loc.path) throw new UsageError('CHART', `${shownValue(ref)} names no chart repository`, 'use oci://HOST/NAMESPACE/charts/NAME');
  const registry = new RegistryClient(loc.host, { caFile: o.caFile, env: o.env });
  try {
    const tags = await registry.tags(loc.path);
    const versions = tags.map(tagVersion).filter((v) => valid(v) === v);
    return { chart: ociUrl(loc), versions: [...new Set(versions)].sort(rcompare), otherTags: tags.filter((t) => valid(tagVersion(t)) !== tagVersion(t)) };
  } finally {
    registry.close();
  }
}
