// Renders the paired multi-stage Dockerfile and its .dockerignore. Pure: the
// templates are precompiled (src/generated/assets.ts); the output depends only on the options.
//
// Every value from the user or the module is first held to its grammar
// (src/inputs/grammar.ts), then written quoted for where it lands: the go build
// line for /bin/sh (shell form, since Docker expands no ${VERSION} in exec form),
// ENTRYPOINT as a JSON array, the chart directory as an escaped ignore pattern.
import { UsageError } from '../errors';
import { checkToken, shownValue } from '../inputs/grammar';
import { DockerfileOptions } from '../model';
import { template } from './assets';
import { ignorePattern, inDoubleQuotes, shellWord } from './shell';

export const DISTROLESS_IMAGE = 'gcr.io/distroless/static-debian12:nonroot';
export const ALPINE_IMAGE = 'alpine:3.22';

export function renderDockerfile(o: DockerfileOptions): Map<string, string> {
  const t = checkedTokens(o);
  const context = {
    ...t,
    vendored: o.vendored,
    hasGoSum: o.hasGoSum,
    // COPY ["./lib/go.mod", "./lib/"]: JSON form, each path held to its grammar.
    replaceCopies: (o.localReplaceDirs ?? []).map((d) => JSON.stringify([`${checkToken('mainPackage', 'replace directory', d)}/go.mod`, `${d}/`])),
    versionVariable: o.versionVariable !== undefined,
    builderReason: (o.builderReason ?? '').replace(/\s+/g, ' '), // a comment: one line
    goBuild: goBuildCommand(o),
    entrypoint: JSON.stringify([`/${t.binaryName}`]),
    distroless: o.runtime === 'distroless',
    scratch: o.runtime === 'scratch',
    alpine: o.runtime === 'alpine',
    distrolessImage: DISTROLESS_IMAGE,
    alpineImage: ALPINE_IMAGE,
    chartDirPattern: ignorePattern(t.chartDir),
  };
  return new Map([
    ['Dockerfile', tidy(template('dockerfile/Dockerfile.hbs')(context))],
    ['.dockerignore', tidy(template('dockerfile/dockerignore.hbs')(context))],
  ]);
}

/** The options that reach the text, each held to its grammar. */
function checkedTokens(o: DockerfileOptions) {
  // "golang:1.22.5" -> FROM golang:${GO_VERSION} with ARG GO_VERSION=1.22.5
  const colon = o.builderImage.lastIndexOf(':');
  if (colon < 0 || o.builderImage.indexOf('/', colon) >= 0) {
    throw new UsageError('--go-version', `builder image ${shownValue(o.builderImage)} needs a tag`, 'use an image with a tag, e.g. golang:1.22');
  }
  const chartDir = o.chartDir.replace(/^\.\//, '').replace(/\/+$/, '');
  if (o.versionVariable !== undefined) checkToken('goLinkerVariable', '--version-var', o.versionVariable);
  return {
    builderRepo: checkToken('imageRepository', 'builder image', o.builderImage.slice(0, colon)),
    goVersion: checkToken('imageTag', '--go-version', o.builderImage.slice(colon + 1)),
    mainPackage: checkToken('mainPackage', 'main package (--main)', o.mainPackage),
    binaryName: checkToken('chartName', 'NAME', o.binaryName),
    chartDir: checkToken('relativeDir', '--chart-dir', chartDir),
    port: checkInteger('containerPort', o.port, 1, 65535),
    uid: checkInteger('securityContext.runAsUser', o.uid, 0, 2 ** 31 - 1),
  };
}

function checkInteger(field: string, n: number, min: number, max: number): number {
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  throw new UsageError(field, `${JSON.stringify(n)} is not an integer from ${min} to ${max}`);
}

/**
 * `go build ...` as /bin/sh reads it: each argument one word; -ldflags in double
 * quotes so that the build argument ${VERSION} expands (to one word for the shell).
 */
export function goBuildCommand(o: Pick<DockerfileOptions, 'vendored' | 'versionVariable' | 'binaryName' | 'mainPackage'>): string {
  const stamp = o.versionVariable !== undefined ? ` -X ${inDoubleQuotes(o.versionVariable)}=\${VERSION}` : '';
  const words = (args: string[]) => args.map(shellWord).join(' ');
  return [
    words(['go', 'build', ...(o.vendored ? ['-mod=vendor'] : []), '-trimpath', '-ldflags']),
    `"-s -w${stamp}"`,
    words(['-o', `/out/${o.binaryName}`, o.mainPackage]),
  ].join(' ');
}

/** At most one blank line in a row, and one final newline. */
function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
