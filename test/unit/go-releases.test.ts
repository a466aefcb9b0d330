import { join } from 'node:path';
import { planService } from '../../src/create/create';
import { GO_RELEASES, defaultBuilderGoVersion } from '../../src/gomod/go-releases';
import { goMinor } from '../../src/gomod/go-version';
import { createOptions } from '../support/create-options';

describe('default golang builder image', () => {
  test.each<[string, string | undefined, string]>([
    ['1.22', undefined, '1.26'], // unsupported minimum: the oldest patched release
    ['1.26.0', undefined, '1.26'], // a pinned old patch: the release tag, which follows the patches
    ['1.26', '1.26.3', '1.26'],
    ['1.22', '1.27.1', '1.27'], // the toolchain line is newer
    ['1.27rc1', undefined, '1.27'],
    ['1.28', undefined, '1.28'], // newer than the table: as it is
  ])('go %s, toolchain %s -> golang:%s', (goVersion, toolchain, tag) => {
    const chosen = defaultBuilderGoVersion({ goVersion, toolchain });
    expect(chosen.tag).toBe(tag);
    expect(chosen.reason).toContain(`go ${goVersion}`);
    expect(chosen.reason).not.toMatch(/\n/);
  });

  test('the table: the two newest releases, newest first, each newest patch on its own line', () => {
    const releases = GO_RELEASES.supported.map((r) => goMinor(r.release));
    expect(releases).toHaveLength(2);
    expect(releases[0]).toBe(releases[1] + 1);
    for (const r of GO_RELEASES.supported) expect(r.newestPatch.startsWith(`${r.release}.`)).toBe(true);
  });

  test('the Dockerfile says which image and why; --go-version still wins', () => {
    const dir = join(__dirname, '../fixtures/hello');
    const dockerfile = (goVersion?: string) => planService(createOptions({ name: 'hello', dir, goVersion })).files.get('Dockerfile')!;
    expect(dockerfile()).toContain('ARG GO_VERSION=1.26\n');
    expect(dockerfile()).toContain("# Go 1.26: the oldest patched Go release (supported as of 2026-11-28: 1.27 and 1.26) at least as new as go.mod's go 1.22;");
    expect(dockerfile('1.22.5')).toContain('# Go 1.22.5: from --go-version.\n');
    expect(dockerfile('1.22.5')).toContain('ARG GO_VERSION=1.22.5\n');
  });
});
