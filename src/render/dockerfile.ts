// Renders the paired multi-stage Dockerfile and its .dockerignore. Pure: the
// templates are precompiled (src/generated/assets.ts); the output depends only on the options.
import { UsageError } from '../errors';
import { DockerfileOptions } from '../model';
import { template } from './assets';

export const DISTROLESS_IMAGE = 'gcr.io/distroless/static-debian12:nonroot';
export const ALPINE_IMAGE = 'alpine:3.22';

export function renderDockerfile(o: DockerfileOptions): Map<string, string> {
  // "golang:1.22.5" -> FROM golang:${GO_VERSION} with ARG GO_VERSION=1.22.5
  const image = /^([^@\s]+):([\w][\w.-]*)$/.exec(o.builderImage);
  if (!image) throw new UsageError('builderImage', `"${o.builderImage}" needs a tag, e.g. golang:1.22`);
  const context = {
    ...o,
    versionVariable: o.versionVariable ?? '',
    builderRepo: image[1],
    goVersion: image[2],
    distroless: o.runtime === 'distroless',
    scratch: o.runtime === 'scratch',
    alpine: o.runtime === 'alpine',
    distrolessImage: DISTROLESS_IMAGE,
    alpineImage: ALPINE_IMAGE,
    chartDir: o.chartDir.replace(/^\.\//, '').replace(/\/+$/, ''),
  };
  return new Map([
    ['Dockerfile', tidy(template('dockerfile/Dockerfile.hbs')(context))],
    ['.dockerignore', tidy(template('dockerfile/dockerignore.hbs')(context))],
  ]);
}

/** At most one blank line in a row, and one final newline. */
function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
