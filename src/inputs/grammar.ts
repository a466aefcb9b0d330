// Allow-list grammars for every token that reaches a generated file, a Helm
// argument or an image reference. One home: the CLI checks, the schema patterns
// (schemas/values.schema.json) and the tests all use these definitions.
import validSemver from 'semver/functions/valid'; // the one function: all of semver takes ~5 ms to load
import { UsageError } from '../errors';

// OCI distribution reference grammar (distribution/reference).
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';

export interface Grammar {
  pattern: RegExp;
  source: string; // the pattern's text, anchored: also the values schema's "pattern" (RE2 and ECMAScript alike)
  maxLength: number;
  expected: string; // what a valid value looks like, for messages
}

const g = (body: string, maxLength: number, expected: string): Grammar => {
  const source = `^(?:${body})$`;
  return { pattern: new RegExp(source), source, maxLength, expected };
};

export const GRAMMAR = {
  /** An image repository without tag or digest, e.g. ghcr.io/acme/orders. */
  imageRepository: g(`(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`, 255, 'an image repository such as orders or ghcr.io/acme/orders (lowercase path, optional registry host[:port])'),
  /** A registry host with an optional port, e.g. ghcr.io or 127.0.0.1:5000. */
  registryHost: g(DOMAIN, 255, 'a registry host such as ghcr.io or 127.0.0.1:5000'),
  /** An image tag (also the default for appVersion). */
  imageTag: g('[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}', 128, 'an image tag: letters, digits, "_", "." and "-", not starting with "." or "-", at most 128 characters, e.g. 1.4.0'),
  /** A sha256 image digest. */
  imageDigest: g('sha256:[a-f0-9]{64}', 71, 'a digest such as sha256:<64 hex digits>'),
  /** A Go identifier (ASCII). */
  goIdentifier: g('[A-Za-z_][A-Za-z0-9_]*', 255, 'a Go identifier such as version'),
  /** `-X importpath.name`: a package import path, a dot, a variable name. */
  goLinkerVariable: g('(?:[A-Za-z0-9_~+-][A-Za-z0-9_.~+-]*/)*[A-Za-z0-9_~+-][A-Za-z0-9_.~+-]*\\.[A-Za-z_][A-Za-z0-9_]*', 512, 'a package path and variable name such as main.version or example.com/orders/internal/build.Version'),
  /** A main package directory: "." or ./a/b with clean import-path elements. */
  mainPackage: g('\\.|\\./[A-Za-z0-9_~+-][A-Za-z0-9_.~+-]*(?:/[A-Za-z0-9_~+-][A-Za-z0-9_.~+-]*)*', 512, 'a directory inside the module such as . or ./cmd/orders (letters, digits, "_", "-", ".", "~", "+"; no spaces or quotes)'),
  /** A chart directory relative to the module root: clean, not hidden, not the root. */
  relativeDir: g('[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*', 512, 'a directory inside the module such as charts/orders (letters, digits, "_", ".", "-"; not hidden, not the module root)'),
  /** A chart and service name: a DNS label of at most 53 characters (Helm's release-name limit). */
  chartName: g('[a-z0-9](?:[-a-z0-9]{0,51}[a-z0-9])?', 53, 'lowercase letters, digits and "-" (at most 53 characters, starting and ending with a letter or digit), e.g. orders-api'),
  /** A Go toolchain version or golang image tag, e.g. 1.26 or 1.26.3. */
  goVersion: g('[0-9]+\\.[0-9]+(?:\\.[0-9]+)?(?:(?:rc|beta)[0-9]+)?(?:-[a-z0-9]+(?:[.-][a-z0-9]+)*)?', 64, 'a Go version such as 1.26 or 1.26.3 (optionally a variant such as 1.26-bookworm)'),
  /** A Go release as go.mod's go and toolchain directives name it and golang images are tagged: 1.22, 1.22.5, 1.23rc1. */
  goRelease: g('[1-9][0-9]*\\.(?:0|[1-9][0-9]*)(?:\\.(?:0|[1-9][0-9]*)|(?:rc|beta)[1-9][0-9]*)?', 32, 'a Go release such as 1.22, 1.22.5 or 1.23rc1'),
  /** A module path (go.mod's module directive): import-path elements, none empty, starting or ending with a dot. */
  modulePath: g('(?!-)[A-Za-z0-9_~+-](?:[A-Za-z0-9_.~+-]*[A-Za-z0-9_~+-])?(?:/[A-Za-z0-9_~+-](?:[A-Za-z0-9_.~+-]*[A-Za-z0-9_~+-])?)*', 512, 'a module path such as example.com/orders (letters, digits, "-", ".", "_", "~", "+" between slashes; no empty, leading-dot or trailing-dot elements)'),
  /** An OCI registry namespace for charts and images: oci://host[:port]/path. */
  ociRegistry: g(`oci://${DOMAIN}(?:/${PATH_COMPONENT})+`, 255, 'an OCI registry namespace such as oci://ghcr.io/acme or oci://registry.example.com:5000/team (lowercase path)'),
  /** A git branch a pipeline runs on: no spaces, quotes, globs or "..", not starting with "-" or "/". */
  gitBranch: g('(?!.*\\.\\.)(?!.*//)(?!.*\\.lock$)[A-Za-z0-9_][A-Za-z0-9_./-]*(?<![./])', 200, 'a branch name such as main or release/1.x (letters, digits, "_", ".", "-", "/")'),
  /** A deployment environment's name (GitHub environment, GitLab environment and job name). */
  environmentName: g('[a-z][a-z0-9-]{0,30}[a-z0-9]|[a-z]', 32, 'a lowercase name such as staging or production (letters, digits and "-", at most 32)'),
  /** A Kubernetes namespace: a DNS-1123 label. */
  namespace: g('[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?', 63, 'a namespace such as staging (lowercase letters, digits and "-", at most 63)'),
  /** Image platforms, comma-separated: os/arch[/variant]. */
  platforms: g('[a-z0-9]+/[a-z0-9]+(?:/[a-z0-9]+)?(?:,[a-z0-9]+/[a-z0-9]+(?:/[a-z0-9]+)?){0,7}', 200, 'platforms such as linux/amd64,linux/arm64'),
} as const;

export type GrammarName = keyof typeof GRAMMAR;

/** Whether `value` is a string of the grammar (no length or character surprises). */
export function matches(name: GrammarName, value: unknown): value is string {
  const gr = GRAMMAR[name];
  return typeof value === 'string' && value.length <= gr.maxLength && gr.pattern.test(value);
}

/**
 * The values schema's "pattern" for a grammar (the schema test keeps them equal);
 * `allowEmpty` for keys where "" means "use the default", such as image.tag.
 */
export function schemaPattern(name: GrammarName, allowEmpty = false): string {
  const { source } = GRAMMAR[name];
  return allowEmpty ? `^(?:${source.slice(1, -1)})?$` : source;
}

/** `value`, or a UsageError naming the field, the value (shown safely) and what is expected. */
export function checkToken(name: GrammarName, field: string, value: string): string {
  if (matches(name, value)) return value;
  throw new UsageError(field, `${shownValue(value)} is not valid`, `use ${GRAMMAR[name].expected}`);
}

/** A SemVer 2 version (chart versions), returned as given. */
export function checkSemver(field: string, value: string): string {
  if (value.length <= 256 && validSemver(value) === value) return value;
  throw new UsageError(field, `${shownValue(value)} is not a SemVer 2 version`, 'use a version such as 1.2.3 or 1.2.3-rc.1 (no leading "v")');
}

/** A user-given string for a message: JSON-quoted (so newlines and quotes show), cut to 80 characters. */
export function shownValue(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}
