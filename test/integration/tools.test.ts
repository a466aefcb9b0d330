// scripts/tools.sh fails when any tool fails to build, instead of going on.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../support/tools';

test('a failed Helm build fails `tools.sh all` before the next group', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'goservice-tools-'));
  try {
    // An empty cache, an empty module cache and no proxy: `go install` cannot fetch Helm.
    const r = spawnSync('bash', [path.join(repoRoot, 'scripts', 'tools.sh'), 'all'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        GOSERVICE_CACHE: path.join(tmp, 'cache'),
        GOMODCACHE: path.join(tmp, 'mod'),
        GOPROXY: 'off',
        GOFLAGS: '-modcacherw',
      },
    });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.stderr).toMatch(/building helm v3\.\d+\.\d+/);
    expect(r.stderr).not.toMatch(/building kube-apiserver|building registry|done in/);
  } finally {
    spawnSync('chmod', ['-R', 'u+w', tmp]);
    rmSync(tmp, { recursive: true, force: true });
  }
});
