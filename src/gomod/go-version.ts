// Go versions as go.mod and golang image tags spell them, and their order.
import { GoModule } from '../model';

const GO_VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/;

/** The `golang:<tag>` to build with: the toolchain directive when it is newer, else the go directive. */
export function builderGoVersion(m: Pick<GoModule, 'goVersion' | 'toolchain'>): string {
  return m.toolchain && compareGoVersions(m.toolchain, m.goVersion) > 0 ? m.toolchain : m.goVersion;
}

/** Orders Go versions: 1.22 < 1.22rc1 < 1.22.0 < 1.22.1 (a bare "1.22" is the language version). */
export function compareGoVersions(a: string, b: string): number {
  const ka = versionKey(a);
  const kb = versionKey(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  return 0;
}

/** The minor number of a Go 1.N version (0 when it is not one): go1.1 .. go1.N release tags hold. */
export function goMinor(version: string): number {
  const m = GO_VERSION.exec(version);
  return m && m[1] === '1' ? Number(m[2]) : 0;
}

function versionKey(v: string): number[] {
  const m = GO_VERSION.exec(v);
  if (!m) return [0, 0, -3, 0];
  // patch slot: -2 bare language version, -1 prerelease (beta before rc), else the patch number
  const pre = m[4] ? (m[4] === 'beta' ? -2 : -1) * 1000 + Number(m[5]) : 0;
  const patch = m[3] !== undefined ? Number(m[3]) : m[4] ? -1 : -2;
  return [Number(m[1]), Number(m[2]), patch, pre];
}
