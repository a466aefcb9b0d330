// A CI file's text: the object through the YAML serializer (strings that YAML 1.1
// readers, such as GitLab's, would take for another type are quoted), scripts as
// literal blocks, and a comment header.
import { Document } from 'yaml';
import { helmYamlText } from '../render/helm-yaml';

export function ciYaml(content: unknown, header: string[], source: string): string {
  const doc = new Document(content);
  doc.commentBefore = header.join('\n');
  return helmYamlText(doc, source, { lineWidth: 0, blockQuote: 'literal', indentSeq: true });
}
