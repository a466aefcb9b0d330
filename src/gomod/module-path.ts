// Module paths checked as the go command checks them (golang.org/x/mod/module:
// CheckImportPath), plus its module-path rule against leading dots. The path
// reaches Chart.yaml and the Dockerfile, so nothing else may pass.
import { matches } from '../inputs/grammar';

// Names Windows reserves; the go command refuses them as path elements everywhere.
const WINDOWS_RESERVED = /^(?:CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])$/i;

/** Why `path` is not a usable module path, or undefined when it is one. */
export function modulePathProblem(path: string): string | undefined {
  if (path === '') return 'it is empty';
  if (path.length > 512) return 'it is longer than 512 characters';
  const bad = /[^A-Za-z0-9._~+/-]/u.exec(path);
  if (bad) return `it contains ${JSON.stringify(bad[0])} (allowed: letters, digits, "-", ".", "_", "~", "+" and "/" between elements)`;
  if (path.startsWith('-')) return 'it starts with "-"';
  for (const elem of path.split('/')) {
    if (elem === '') return 'it has an empty path element (a leading, trailing or double "/")';
    if (elem.startsWith('.') || elem.endsWith('.')) return `the element ${JSON.stringify(elem)} starts or ends with "."`;
    const short = elem.split('.')[0];
    if (WINDOWS_RESERVED.test(short)) return `the element ${JSON.stringify(elem)} is a name Windows reserves`;
    if (/~[0-9]+$/.test(short)) return `the element ${JSON.stringify(elem)} looks like a Windows short name (~ and digits)`;
  }
  // The checks above imply the grammar; keep them in step.
  return matches('modulePath', path) ? undefined : 'it is not a module path';
}
