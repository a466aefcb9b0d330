// OCI references as users type them: oci://HOST[:PORT]/NAMESPACE for a registry
// location, and HOST/REPOSITORY[:TAG] inside it. Every part is checked against
// the distribution reference grammar (src/inputs/grammar.ts) before it reaches
// a URL, a builder or Helm.
import { UsageError } from '../errors';
import { matches, shownValue } from '../inputs/grammar';

/** A registry location: the host (with port) and a repository path under it (may be empty). */
export interface OciLocation {
  host: string; // e.g. ghcr.io or 127.0.0.1:5000
  path: string; // e.g. acme or acme/charts/orders ('' for the registry root)
}

/** `oci://HOST[:PORT][/PATH]` -> its host and path; `field` names the flag or argument. */
export function parseOciUrl(field: string, value: string, example = 'oci://ghcr.io/acme'): OciLocation {
  const fix = `use oci://HOST[:PORT]/NAMESPACE, e.g. ${example} (lowercase path components of letters, digits, ".", "_", "-")`;
  if (typeof value !== 'string' || value.length > 512 || !value.startsWith('oci://')) throw new UsageError(field, `${shownValue(String(value))} is not an oci:// reference`, fix);
  const rest = value.slice('oci://'.length).replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  if (!matches('registryHost', host) || !/[.:]|^localhost$/.test(host)) throw new UsageError(field, `${shownValue(value)}: ${shownValue(host)} is not a registry host`, fix);
  if (path && !matches('imageRepository', path)) throw new UsageError(field, `${shownValue(value)}: ${shownValue(path)} is not a repository path`, fix);
  if (/[@:]/.test(path)) throw new UsageError(field, `${shownValue(value)} holds a tag or digest`, `${fix}; give a version with --version`);
  return { host, path };
}

/** The location's text form, oci://HOST/PATH. */
export const ociUrl = (l: OciLocation): string => `oci://${l.host}${l.path ? `/${l.path}` : ''}`;

/** A child location: oci://HOST/a + b -> oci://HOST/a/b. */
export const child = (l: OciLocation, name: string): OciLocation => ({ host: l.host, path: l.path ? `${l.path}/${name}` : name });

/** A chart version as an OCI tag: "+" is not allowed in tags, so Helm writes "_". */
export const versionTag = (version: string): string => version.replace(/\+/g, '_');

/** An OCI tag back to the chart version Helm pushed it as. */
export const tagVersion = (tag: string): string => tag.replace(/_/g, '+');
