// Reads the facts the generator needs from a Go module on disk: go.mod's
// directives, where the main package is, whether it is vendored, and what would
// make the image build fail (errors) or surprise (warnings).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotFoundError, UsageError } from '../errors';
import { shownValue } from '../inputs/grammar';
import { GoModule } from '../model';
import { checkReplaces, workspaceWarnings } from './build-context';
import { imageTargets } from './build-target';
import { parseGoMod } from './go-mod-file';
import { GoSources } from './go-sources';
import { builderGoVersion } from './go-version';
import { MainPackage } from './main-package';
import { GO_MOD_MAX, ModuleFiles } from './module-files';
import { serviceFeatures } from './service-features';
import { binaryImports, targetBuildWarnings } from './target-build';

export { builderGoVersion, compareGoVersions } from './go-version';

export function detectModule(dir: string, mainOverride?: string): GoModule {
  if (!fs.existsSync(path.join(dir, 'go.mod'))) {
    throw new NotFoundError(
      `no go.mod in ${path.resolve(dir)}`,
      'run inside a Go module, pass --dir <module root>, or create one with `go mod init <module path>`',
    );
  }
  const files = new ModuleFiles(dir);
  const goModReal = files.real('go.mod')!;
  if (!files.contains(goModReal)) {
    throw new UsageError('go.mod', `is a symbolic link to ${shownValue(goModReal)}, outside the module; the image build copies go.mod from the module`, 'replace the link with the file itself');
  }
  const mod = parseGoMod(files.read('go.mod', GO_MOD_MAX));
  const vendored = files.exists('vendor/modules.txt');
  const replaces = checkReplaces(files, mod.replaces, vendored);
  const targets = imageTargets(builderGoVersion(mod));
  const sources = new GoSources(files, targets);
  const mainPackage = new MainPackage(files, sources, targets[0], path.resolve(dir)).resolve(mainOverride);
  const warnings = [
    ...mod.warnings,
    ...replaces.warnings,
    ...workspaceWarnings(files),
    ...targetBuildWarnings(files, sources, targets, path.posix.normalize(mainPackage), mod.modulePath, replaces.inside),
  ];
  return {
    modulePath: mod.modulePath,
    goVersion: mod.goVersion,
    ...(mod.toolchain ? { toolchain: mod.toolchain } : {}),
    mainPackage,
    vendored,
    hasGoSum: files.exists('go.sum'),
    localReplaceDirs: replaces.inside.map((r) => r.dir).filter((d) => files.exists(path.posix.join(d, 'go.mod'))),
    serves: serviceFeatures(mod.requires, binaryImports(files, sources, targets[0], path.posix.normalize(mainPackage), mod.modulePath, replaces.inside)),
    warnings,
  };
}
