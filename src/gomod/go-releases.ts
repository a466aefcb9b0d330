// Which golang image the generated Dockerfile builds with by default. go.mod's `go`
// line is only the minimum language version: building with that release (or with a
// pinned old patch) ships a standard library that no longer gets security fixes.
import { GoModule } from '../model';
import { builderGoVersion, goMinor } from './go-version';

/**
 * The Go releases the Go team still patches (the two newest), newest first, with the
 * newest patch known when the table was checked. Update it when Go ships a release.
 */
export const GO_RELEASES = {
  checked: '2026-11-28',
  supported: [
    { release: '1.27', newestPatch: '1.27.4' },
    { release: '1.26', newestPatch: '1.26.11' },
  ],
} as const;

export interface BuilderGoVersion {
  tag: string; // golang image tag
  reason: string; // one line for the Dockerfile comment
}

/**
 * The oldest supported release at least as new as go.mod's go/toolchain lines, as
 * its release tag (golang:1.26 follows the 1.26 patch releases); a version newer
 * than every release the table knows is used as it is.
 */
export function defaultBuilderGoVersion(m: Pick<GoModule, 'goVersion' | 'toolchain'>): BuilderGoVersion {
  const needed = builderGoVersion(m);
  const lines = m.toolchain ? `go ${m.goVersion} / toolchain go${m.toolchain}` : `go ${m.goVersion}`;
  const supported = GO_RELEASES.supported.map((r) => r.release).join(' and ');
  const known = `supported as of ${GO_RELEASES.checked}: ${supported}`;
  const fit = [...GO_RELEASES.supported].reverse().find((r) => goMinor(r.release) >= goMinor(needed));
  if (!fit) return { tag: needed, reason: `go.mod's ${lines} is newer than the Go releases goservice knows (${known})` };
  return {
    tag: fit.release,
    reason: `the oldest patched Go release (${known}) at least as new as go.mod's ${lines}; the tag follows its security releases`,
  };
}

/**
 * The Go a CI job installs when its runner has none: the default builder release at
 * its newest known patch (go.mod's "go 1.22" would download the unpatched 1.22.0).
 */
export function defaultCiGoVersion(m: Pick<GoModule, 'goVersion' | 'toolchain'>): string {
  const { tag } = defaultBuilderGoVersion(m);
  const known = GO_RELEASES.supported.find((r) => r.release === tag);
  return known ? known.newestPatch : downloadableGo(tag);
}

/** go.mod's "go 1.22" names a language version; the toolchain to download is go1.22.0 (from Go 1.21 on). */
export function downloadableGo(v: string): string {
  return /^\d+\.\d+$/.test(v) && goMinor(v) >= 21 ? `${v}.0` : v;
}
