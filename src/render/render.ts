import { posix } from 'node:path';
import type { GoserviceChartValues } from '../generated/values';
import type { DockerfileOptions } from '../model';
import { Assets, template } from './assets';
import { renderChartYaml } from './chart-yaml';
import { renderDockerfile } from './dockerfile';
import { valueRows } from './values-table';
import { renderValuesYaml } from './values-yaml';

/** Everything a `create` renders, decided before rendering. */
export interface ServiceModel {
  name: string;
  modulePath: string;
  chartDir: string; // relative to the module root, posix separators
  chartVersion: string;
  appVersion: string;
  description: string;
  values: GoserviceChartValues; // the chart's final default values, validated
  dockerfile?: DockerfileOptions; // absent with --chart-only
  chart: boolean; // false with --dockerfile-only
}

/** Generated file names inside a chart, named once. */
export const CHART_FILES = {
  chartYaml: 'Chart.yaml',
  values: 'values.yaml',
  schema: 'values.schema.json',
  readme: 'README.md',
} as const;

/** Pure: model + assets -> relative path -> content. No disk, clock or env. */
export function render(model: ServiceModel, assets: Assets): Map<string, string> {
  const files = new Map<string, string>();
  if (model.chart) {
    for (const [path, content] of renderChart(model, assets)) files.set(posix.join(model.chartDir, path), content);
  }
  if (model.dockerfile) for (const [path, content] of renderDockerfile(model.dockerfile)) files.set(path, content);
  return files;
}

/**
 * Where templates/chart/** name the chart, as `helm create`'s starter does: the
 * named templates carry the chart's name, so charts side by side in an umbrella
 * chart keep their own.
 */
export const CHART_NAME_PLACEHOLDER = '<CHARTNAME>';

function renderChart(model: ServiceModel, assets: Assets): Map<string, string> {
  const files = new Map([...assets.chartFiles].map(([path, text]) => [path, text.replaceAll(CHART_NAME_PLACEHOLDER, model.name)]));
  files.set(CHART_FILES.chartYaml, renderChartYaml(model));
  const header = ` Default values for ${model.name}. Every key is described by values.schema.json,\n which Helm checks on lint, template, install and upgrade.`;
  files.set(CHART_FILES.values, renderValuesYaml(model.values, assets.schema, header));
  files.set(CHART_FILES.schema, assets.schemaText);
  files.set(
    CHART_FILES.readme,
    template('chart-meta/README.md.hbs')({
      ...model,
      imageRepository: model.values.image?.repository ?? '',
      containerPort: model.values.containerPort ?? '',
      rows: valueRows(assets.schema, model.values),
    }),
  );
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}
