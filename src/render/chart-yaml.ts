// Chart.yaml, built as an object and written by the YAML serializer, so that a
// module path or description with quotes or newlines stays one string.
import { Document, isMap, isScalar, Scalar } from 'yaml';
import { helmYamlText } from './helm-yaml';

export interface ChartMeta {
  name: string;
  description: string;
  chartVersion: string;
  appVersion: string;
  modulePath: string;
}

/** autoscaling/v2 and policy/v1 need Kubernetes 1.23 or later. */
export const KUBE_VERSION = '>=1.23.0-0';

// A comment before some keys.
const COMMENTS: Record<string, string> = {
  version: ' The chart\'s version: bump it with `helm goservice bump` on every change.',
  appVersion: ' The version of the service the chart deploys; image.tag defaults to it.',
  kubeVersion: ' autoscaling/v2 and policy/v1 need Kubernetes 1.23 or later.',
};

export function renderChartYaml(m: ChartMeta): string {
  const doc = new Document({
    apiVersion: 'v2',
    name: m.name,
    description: m.description,
    type: 'application',
    version: m.chartVersion,
    appVersion: m.appVersion,
    kubeVersion: KUBE_VERSION,
    annotations: { 'goservice/go-module': m.modulePath },
  });
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && COMMENTS[pair.key.value]) pair.key.commentBefore = COMMENTS[pair.key.value];
    }
  }
  // Helm's own convention (helm create): appVersion is always a quoted string.
  const app = doc.get('appVersion', true);
  if (isScalar(app)) app.type = Scalar.QUOTE_DOUBLE;
  return helmYamlText(doc, 'Chart.yaml', { lineWidth: 0 });
}
