import Handlebars from 'handlebars/runtime';
import { CHART_FILES, SCHEMA_TEXT, TEMPLATES } from '../generated/assets';
import type { Schema } from '../schema/walk';

export interface Assets {
  schema: Schema; // schemas/values.schema.json, parsed
  schemaText: string; // ... and byte for byte, as shipped in every chart
  chartFiles: Map<string, string>; // templates/chart/**: copied verbatim
}

const templates = new Map<string, Handlebars.TemplateDelegate>();

/** A Handlebars template of templates/, precompiled by `npm run gen`; built once per process. */
export function template(name: string): Handlebars.TemplateDelegate {
  let t = templates.get(name);
  if (!t) {
    const spec = TEMPLATES[name];
    if (!spec) throw new Error(`no template ${name}: run npm run gen`);
    templates.set(name, (t = Handlebars.template(spec as TemplateSpecification)));
  }
  return t;
}

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

let cached: Assets | undefined;

/** The schema and chart files, built into the plugin (src/generated/assets.ts). */
export function loadAssets(): Assets {
  return (cached ??= { schema: JSON.parse(SCHEMA_TEXT), schemaText: SCHEMA_TEXT, chartFiles: new Map(CHART_FILES) });
}
