// A chart for tests, made by the generator itself (src/render): templates/chart/**
// verbatim, values.schema.json, Chart.yaml, and values.yaml from the schema defaults.
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { GoserviceChartValues } from '../../src/generated/values';
import { loadAssets } from '../../src/render/assets';
import { render } from '../../src/render/render';
import { schemaDefaults } from '../../src/schema/walk';
import { mergeValues } from '../../src/values/merge';

export const valuesSchema = loadAssets().schema;

/** The chart's default values: every schema default. */
export const defaultValues = (): Record<string, any> => schemaDefaults(valuesSchema);

/** Values merged over the defaults the Helm way (null deletes a key). */
export const withDefaults = (values: Record<string, unknown>): Record<string, any> => mergeValues(defaultValues(), values);

/** Renders chart `name` (version 0.1.0, appVersion 0.1.0) into `root` (default: a new temp dir); returns its directory. */
export function buildChart(name = 'hello', root = mkdtempSync(path.join(tmpdir(), 'goservice-chart-'))): string {
  const files = render(
    {
      name,
      modulePath: `example.com/${name}`,
      chartDir: name,
      chartVersion: '0.1.0',
      appVersion: '0.1.0',
      description: `A Helm chart for ${name}`,
      values: defaultValues() as GoserviceChartValues,
      chart: true,
    },
    loadAssets(),
  );
  for (const [file, content] of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return path.join(root, name);
}
