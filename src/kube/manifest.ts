// Rendered manifests (Helm's multi-document YAML) as Kubernetes objects.
import { parseAllDocuments } from 'yaml';
import { ValidationError } from '../errors';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Kind/name, or Kind/namespace/name when the object names a namespace other than `ns`. */
export function objectRef(o: { kind: string; metadata: { name: string; namespace?: string } }, ns?: string): string {
  const n = o.metadata.namespace;
  return n && n !== ns ? `${o.kind}/${n}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

/**
 * Every object of a manifest, in order: empty documents skipped, `kind: List`
 * flattened (as Helm does). A document that is not an object with apiVersion,
 * kind and metadata.name is refused, as Helm refuses it.
 */
export function manifestObjects(manifest: string, source = 'rendered manifest'): KubeObject[] {
  const out: KubeObject[] = [];
  const issues: { path: string; message: string }[] = [];
  parseAllDocuments(manifest).forEach((doc, i) => {
    if (doc.errors.length) {
      issues.push({ path: `document ${i + 1}`, message: `not valid YAML (line ${doc.errors[0].linePos?.[0]?.line ?? '?'})` });
      return;
    }
    const add = (v: unknown, where: string) => {
      if (v == null) return;
      const o = v as KubeObject;
      if (typeof o !== 'object' || Array.isArray(o)) return issues.push({ path: where, message: 'is not an object' });
      if (typeof o.kind === 'string' && /List$/.test(o.kind) && Array.isArray(o.items)) return o.items.forEach((item, j) => add(item, `${where} items[${j}]`));
      const missing = ['apiVersion', 'kind'].filter((k) => typeof o[k] !== 'string' || !o[k]);
      if (typeof o.metadata?.name !== 'string' || !o.metadata.name) missing.push('metadata.name');
      if (missing.length) return issues.push({ path: where, message: `has no ${missing.join(', ')}` });
      out.push(o);
    };
    add(doc.toJS({ maxAliasCount: 100 }), `document ${i + 1}`);
  });
  if (issues.length) throw new ValidationError(issues, source);
  return out;
}
