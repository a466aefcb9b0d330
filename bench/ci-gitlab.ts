// The generated GitLab pipeline's wall time on the withdeps sample, cold and warm
// (a code-only change), split by job: gitlab-ci-local's shell executor against the
// local registry and control plane. Cold means a fresh repository (no Go caches), a
// fresh registry namespace and a fresh image store (only the base images in it).
// Run through bench/ci-gitlab.sh; prints a Markdown section.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNamespace, ensureCluster, kubectl, localRegistry } from '../test/support/cluster';
import { sampleGoVersion } from '../test/support/ci-module';
import { gitlabRunner, PipelineRun, runPipeline } from '../test/support/gitlab-pipeline';
import { HELMS, repoRoot } from '../test/support/tools';

async function main(store: string): Promise<void> {
  await ensureCluster();
  const made = spawnSync('bash', [join(repoRoot, 'scripts/base-images.sh'), sampleGoVersion()], { stdio: ['ignore', 2, 2], env: { ...process.env, GOSERVICE_CACHE: store } });
  if (made.status !== 0) throw new Error('scripts/base-images.sh failed');
  const reg = localRegistry();
  const helm = HELMS[0];
  const ns = `bench-ci-${process.pid}`;
  createNamespace(ns);
  const runner = gitlabRunner(helm, reg, ['--registry', `oci://${reg.host}/bench-${process.pid}`, '--env', `staging=${ns}`, '--platform', 'linux/amd64'], store);
  try {
    const cold = await runPipeline(runner);
    if (cold.code !== 0) throw new Error(`cold run failed:\n${cold.log.slice(-4000)}`);
    runner.commit('a code-only change', (repo) => writeFileSync(join(repo, 'doc.go'), `${readFileSync(join(repo, 'doc.go'), 'utf8')}\n// A code-only change.\n`));
    const warm = await runPipeline(runner);
    if (warm.code !== 0) throw new Error(`warm run failed:\n${warm.log.slice(-4000)}`);
    report(cold, warm, helm.name);
  } finally {
    runner.remove();
    kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  }
}

function report(cold: PipelineRun, warm: PipelineRun, helm: string): void {
  const s = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(1)} s`);
  const rows = Object.keys(cold.jobs).map((j) => `| ${j} | ${s(cold.jobs[j].seconds)} | ${s(warm.jobs[j]?.seconds)} |`);
  const pct = ((100 * warm.seconds) / cold.seconds).toFixed(0);
  const go = /go version (go\S+)/.exec(cold.log)?.[1] ?? 'go';
  process.stdout.write(
    [
      `## GitLab pipeline (gitlab-ci-local, shell executor), withdeps sample, ${helm}, ${go}, ${new Date().toISOString().slice(0, 10)}`,
      '',
      '| job | cold | warm (code-only change) |',
      '|---|---|---|',
      ...rows,
      `| **pipeline (wall)** | **${s(cold.seconds)}** | **${s(warm.seconds)}** (${pct}% of cold; goal <= 50%) |`,
      '',
      `warm log has "go: downloading": ${warm.log.includes('go: downloading') ? 'yes' : 'no'}`,
      '',
    ].join('\n'),
  );
}

const store = process.argv[2];
if (!store) throw new Error('usage: node ci-gitlab.js IMAGE_STORE_DIR');
main(store).catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
