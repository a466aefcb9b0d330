// Reading the local registry with its HTTP API directly (not through the
// product's registry client), to check what publish left there.
import { request } from 'node:https';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRegistry } from './cluster';
import { repoRoot } from './tools';

const MANIFESTS = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json';

function get(reg: LocalRegistry, method: string, path: string, accept: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`https://${reg.host}${path}`, { method, ca: readFileSync(reg.caFile), auth: `${reg.user}:${reg.password}`, headers: { accept } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The Docker-Content-Digest of repo:ref, or null when there is none. */
export async function manifestDigest(reg: LocalRegistry, repo: string, ref: string): Promise<string | null> {
  const r = await get(reg, 'HEAD', `/v2/${repo}/manifests/${ref}`, MANIFESTS);
  if (r.status === 404) return null;
  if (r.status !== 200) throw new Error(`HEAD ${repo}:${ref}: ${r.status}`);
  return String(r.headers['docker-content-digest']);
}

/** The tags of repo ([] when it does not exist). */
export async function tagList(reg: LocalRegistry, repo: string): Promise<string[]> {
  const r = await get(reg, 'GET', `/v2/${repo}/tags/list?n=10000`, 'application/json');
  if (r.status === 404) return [];
  if (r.status !== 200) throw new Error(`tags of ${repo}: ${r.status} ${r.body}`);
  return (JSON.parse(r.body).tags ?? []).sort();
}

const LOG = join(repoRoot, '.tools', 'cluster', 'logs', 'registry.log');

/** Where the registry's log ends now: count what follows with blobUploadsSince. */
export const registryLogMark = (): number => statSync(LOG).size;

/** Blob uploads started into repo since `mark` (one access-log line per POST .../blobs/uploads/). */
export function blobUploadsSince(mark: number, repo: string): number {
  const text = readFileSync(LOG).subarray(mark).toString('utf8');
  return text.split('\n').filter((l) => l.includes(`"POST /v2/${repo}/blobs/uploads/ HTTP/1.1" 202`)).length;
}
