// Renders the paired multi-stage Dockerfile and its .dockerignore. Pure: the
// templates are read once; the output depends only on the options.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { UsageError } from '../errors';
import { DockerfileOptions } from '../model';
import { PACKAGE_ROOT } from '../package-root';

export const DISTROLESS_IMAGE = 'gcr.io/distroless/static-debian12:nonroot';
export const ALPINE_IMAGE = 'alpine:3.22';

const TEMPLATE_DIR = path.join(PACKAGE_ROOT, 'templates/dockerfile');
type Template = Handlebars.TemplateDelegate;
let templates: { dockerfile: Template; dockerignore: Template } | undefined;

function load(): NonNullable<typeof templates> {
  const compile = (name: string): Template =>
    Handlebars.compile(fs.readFileSync(path.join(TEMPLATE_DIR, name), 'utf8'), { noEscape: true, strict: true });
  return (templates ??= { dockerfile: compile('Dockerfile.hbs'), dockerignore: compile('dockerignore.hbs') });
}

export function renderDockerfile(o: DockerfileOptions): Map<string, string> {
  // "golang:1.22.5" -> FROM golang:${GO_VERSION} with ARG GO_VERSION=1.22.5
  const image = /^([^@\s]+):([\w][\w.-]*)$/.exec(o.builderImage);
  if (!image) throw new UsageError('builderImage', `"${o.builderImage}" needs a tag, e.g. golang:1.22`);
  const t = load();
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
    ['Dockerfile', tidy(t.dockerfile(context))],
    ['.dockerignore', tidy(t.dockerignore(context))],
  ]);
}

/** At most one blank line in a row, and one final newline. */
function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
