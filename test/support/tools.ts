// Paths of the pinned tools that `npm run tools` (scripts/tools.sh) builds
// into the git-ignored .tools/bin/.
import { existsSync } from 'fs';
import * as path from 'path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const toolsBin = path.join(repoRoot, '.tools', 'bin');

export interface HelmTool {
  name: 'helm3' | 'helm4';
  /** Absolute path; reading it throws when the binary has not been built. */
  bin: string;
  major: 3 | 4;
}

/** Absolute path of .tools/bin/NAME; throws a clear error when it is missing. */
export function toolPath(name: string): string {
  const bin = path.join(toolsBin, name);
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`npm run tools\` first`);
  }
  return bin;
}

function helm(name: HelmTool['name'], major: HelmTool['major']): HelmTool {
  return {
    name,
    major,
    get bin() {
      return toolPath(name);
    },
  };
}

/** Both pinned Helm majors (Helm 3 v3.22.0, Helm 4 v4.3.1). */
export const HELMS: HelmTool[] = [helm('helm3', 3), helm('helm4', 4)];

/** kubectl, built with the control plane (scripts/tools.sh cluster). */
export const kubectlBin = path.join(toolsBin, 'kubectl');

/**
 * Helm's directories inside HOME, so plugin installs and registry logins stay out of
 * the user's. Helm 4 installs a local plugin into $HELM_DATA_HOME/plugins whatever
 * HELM_PLUGINS says, so the two are kept one.
 */
export function helmHomeEnv(home: string): Record<string, string> {
  return {
    HELM_PLUGINS: path.join(home, 'data', 'plugins'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_DATA_HOME: path.join(home, 'data'),
  };
}
