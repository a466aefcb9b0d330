import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The plugin's root (where schemas/ and templates/ are), from src/, dist/ or the bundle. */
export const PACKAGE_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'schemas/values.schema.json'))) {
    if (dirname(dir) === dir) throw new Error(`goservice: schemas/ not found above ${__dirname}`);
    dir = dirname(dir);
  }
  return dir;
})();
