import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import { PACKAGE_ROOT } from '../package-root';
import type { Schema } from '../schema/walk';


export interface Assets {
  schema: Schema; // schemas/values.schema.json, parsed
  schemaText: string; // ... and byte for byte, as shipped in every chart
  chartFiles: Map<string, string>; // templates/chart/**: copied verbatim
  chartYaml: Handlebars.TemplateDelegate;
  readme: Handlebars.TemplateDelegate;
}

/** Handlebars for YAML and Markdown: no HTML escaping, missing fields fail. */
export const compileTemplate = (text: string) => Handlebars.compile(text, { noEscape: true, strict: true });

let cached: Assets | undefined;

/** Reads the schema and templates once per process. */
export function loadAssets(): Assets {
  if (cached) return cached;
  const read = (p: string) => readFileSync(join(PACKAGE_ROOT, p), 'utf8');
  const schemaText = read('schemas/values.schema.json');
  const chartRoot = join(PACKAGE_ROOT, 'templates/chart');
  const chartFiles = new Map(
    listFiles(chartRoot)
      .sort()
      .map((f) => [relative(chartRoot, f), readFileSync(f, 'utf8')] as const),
  );
  cached = {
    schema: JSON.parse(schemaText),
    schemaText,
    chartFiles,
    chartYaml: compileTemplate(read('templates/chart-meta/Chart.yaml.hbs')),
    readme: compileTemplate(read('templates/chart-meta/README.md.hbs')),
  };
  return cached;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}
