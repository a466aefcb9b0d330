// The one module that talks to OCI registries over HTTP: the distribution API
// (tag lists with pagination, manifest HEAD/GET for digests), basic and bearer
// token auth with Helm's registry login, a private CA (--ca-file). Every answer
// is treated as hostile: bodies and pages are bounded, tags and digests are
// checked against the reference grammar, and a manifest body must hash to the
// digest the registry claims.
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { URL } from 'node:url';
import { readBounded } from '../files/read';
import { UsageError } from '../errors';
import { matches, shownValue } from '../inputs/grammar';
import { Credential, readCredential } from './credentials';
import { defaultTrust, pemCertificates } from '../tls/trust';
import { connectionError, RegistryError } from './errors';

export const REGISTRY_LIMITS = {
  /** Bytes of one answer (a manifest: the distribution registry's own limit is 4 MiB). */
  bodyBytes: 4 * 1024 * 1024,
  /** Bytes of a token answer. */
  tokenBytes: 64 * 1024,
  /** Pages of one tag list, and tags in all. */
  tagPages: 200,
  tags: 100_000,
  /** Milliseconds one request may take. */
  requestMs: 30_000,
  /** Bytes of a --ca-file. */
  caFileBytes: 1024 * 1024,
};

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export interface RegistryOptions {
  caFile?: string; // PEM file of a CA to trust besides the system's
  env?: NodeJS.ProcessEnv; // for HELM_REGISTRY_CONFIG
  credential?: Credential | null; // given (null: anonymous); default: Helm's registry login
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A --ca-file's PEM text: a regular file of at most 1 MiB holding at least one certificate. */
export function readCaFile(file: string): string {
  const pem = readBounded(file, { maxBytes: REGISTRY_LIMITS.caFileBytes, field: '--ca-file' });
  if (!pemCertificates(pem).length) throw new UsageError('--ca-file', `${file} holds no PEM certificate`, 'give the CA certificate file (PEM, "-----BEGIN CERTIFICATE-----")');
  return pem;
}

export class RegistryClient {
  private readonly agent: Agent;
  private readonly credential: Credential | undefined;
  private readonly tokens = new Map<string, string>(); // scope -> bearer token
  private basic = false; // the registry asked for basic auth once: send it up front

  constructor(readonly host: string, o: RegistryOptions = {}) {
    if (!matches('registryHost', host)) throw new UsageError('registry', `${shownValue(host)} is not a registry host`, 'use HOST or HOST:PORT, e.g. ghcr.io');
    const ca = o.caFile ? [...rootCertificates, readCaFile(o.caFile)] : defaultTrust();
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, ...(ca ? { ca } : {}) });
    this.credential = o.credential === null ? undefined : o.credential ?? readCredential(host, o.env);
  }

  close(): void {
    this.agent.destroy();
  }

  /** Every tag of `repo` (following the Link header's next pages), checked; [] when the repository does not exist. */
  async tags(repo: string): Promise<string[]> {
    checkRepo(repo);
    const out: string[] = [];
    let path: string | undefined = `/v2/${repo}/tags/list?n=1000`;
    for (let page = 0; path; page++) {
      if (page >= REGISTRY_LIMITS.tagPages) throw this.answer(`the tag list of ${repo} has more than ${REGISTRY_LIMITS.tagPages} pages`);
      const a = await this.call('GET', path, repo, 'application/json');
      if (a.status === 404) return [];
      this.expectOk(a, `listing the tags of ${repo}`);
      out.push(...parseTagList(a.body, repo, this.host));
      if (out.length > REGISTRY_LIMITS.tags) throw this.answer(`the tag list of ${repo} has more than ${REGISTRY_LIMITS.tags} tags`);
      path = nextPage(header(a, 'link'), repo, this.host);
    }
    return out;
  }

  /** The digest of `repo:reference` (HEAD), or null when there is no such manifest. */
  async digest(repo: string, reference: string): Promise<string | null> {
    checkRepo(repo);
    checkReference(reference);
    const a = await this.call('HEAD', `/v2/${repo}/manifests/${reference}`, repo, MANIFEST_TYPES.join(', '));
    if (a.status === 404) return null;
    this.expectOk(a, `reading the manifest of ${repo}:${reference}`);
    const d = header(a, 'docker-content-digest');
    if (d === undefined) return (await this.manifest(repo, reference))?.digest ?? null; // HEAD without a digest: hash the body
    if (!matches('imageDigest', d)) throw this.answer(`the digest of ${repo}:${reference} is ${shownValue(d)}, not sha256:<64 hex digits>`);
    return d;
  }

  /** The manifest of `repo:reference` with its digest (the sha256 of its bytes), or null. */
  async manifest(repo: string, reference: string): Promise<{ digest: string; mediaType: string; json: any } | null> {
    checkRepo(repo);
    checkReference(reference);
    const a = await this.call('GET', `/v2/${repo}/manifests/${reference}`, repo, MANIFEST_TYPES.join(', '));
    if (a.status === 404) return null;
    this.expectOk(a, `reading the manifest of ${repo}:${reference}`);
    const digest = `sha256:${createHash('sha256').update(a.body).digest('hex')}`;
    const claimed = header(a, 'docker-content-digest');
    if (claimed !== undefined && claimed !== digest) throw this.answer(`the manifest of ${repo}:${reference} hashes to ${digest}, but the registry says ${shownValue(claimed)}`);
    if (reference.startsWith('sha256:') && reference !== digest) throw this.answer(`the manifest asked for as ${reference} hashes to ${digest}`);
    let json: any;
    try {
      json = JSON.parse(a.body.toString('utf8'));
    } catch {
      throw this.answer(`the manifest of ${repo}:${reference} is not JSON`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw this.answer(`the manifest of ${repo}:${reference} is not a JSON object`);
    const mediaType = typeof json.mediaType === 'string' ? json.mediaType : String(header(a, 'content-type') ?? '');
    return { digest, mediaType, json };
  }

  private answer(message: string): RegistryError {
    return new RegistryError('answer', this.host, `registry ${this.host}: ${message}`);
  }

  private expectOk(a: Answer, doing: string): void {
    if (a.status >= 200 && a.status < 300) return;
    if (a.status === 401) throw new RegistryError('auth', this.host, `${doing}: registry ${this.host} refused the ${this.credential ? 'login' : 'anonymous request'} (401 Unauthorized)`);
    if (a.status === 403) throw new RegistryError('denied', this.host, `${doing}: registry ${this.host} denied access (403 Forbidden)`);
    throw new RegistryError('status', this.host, `${doing}: registry ${this.host} answered ${a.status}${errorText(a.body)}`);
  }

  /** One request, authorised as the registry asks (basic, or a bearer token for the repository's pull scope). */
  private async call(method: 'GET' | 'HEAD', path: string, repo: string, accept: string): Promise<Answer> {
    const scope = `repository:${repo}:pull`;
    const auth = this.tokens.has(scope) ? `Bearer ${this.tokens.get(scope)}` : this.basic ? this.basicHeader() : undefined;
    let a = await this.send(method, `https://${this.host}${path}`, accept, auth);
    if (a.status !== 401) return a;
    const challenge = parseChallenge(header(a, 'www-authenticate') ?? '');
    if (challenge?.scheme === 'basic' && this.credential && !this.basic) {
      this.basic = true;
      a = await this.send(method, `https://${this.host}${path}`, accept, this.basicHeader());
    } else if (challenge?.scheme === 'bearer' && !this.tokens.has(scope)) {
      const token = await this.fetchToken(challenge.params, scope);
      this.tokens.set(scope, token);
      a = await this.send(method, `https://${this.host}${path}`, accept, `Bearer ${token}`);
    }
    return a;
  }

  private basicHeader(): string | undefined {
    return this.credential ? `Basic ${Buffer.from(`${this.credential.username}:${this.credential.password}`).toString('base64')}` : undefined;
  }

  /** A bearer token from the challenge's realm (HTTPS only), with the login when there is one. */
  private async fetchToken(p: Record<string, string>, scope: string): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(p.realm ?? '');
    } catch {
      throw this.answer(`its token challenge names no usable realm (${shownValue(p.realm ?? '')})`);
    }
    if (realm.protocol !== 'https:') throw this.answer(`its token realm ${shownValue(realm.href)} is not HTTPS`);
    if (p.service) realm.searchParams.set('service', p.service);
    realm.searchParams.set('scope', p.scope ?? scope);
    const a = await this.send('GET', realm.href, 'application/json', this.basicHeader(), REGISTRY_LIMITS.tokenBytes);
    if (a.status === 401 || a.status === 403) throw new RegistryError('auth', this.host, `registry ${this.host}: its token service refused the ${this.credential ? 'login' : 'anonymous request'} (${a.status})`);
    this.expectOk(a, 'fetching a token');
    let t: any;
    try {
      t = JSON.parse(a.body.toString('utf8'));
    } catch {
      throw this.answer('its token answer is not JSON');
    }
    const token = t?.token ?? t?.access_token;
    if (typeof token !== 'string' || !/^[\x21-\x7e]{1,16384}$/.test(token)) throw this.answer('its token answer holds no token');
    return token;
  }

  private send(method: string, url: string, accept: string, auth: string | undefined, maxBytes = REGISTRY_LIMITS.bodyBytes): Promise<Answer> {
    const what = `${method} ${url.replace(/\?.*$/, '')}`;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent: this.agent, headers: { accept, 'user-agent': 'goservice', ...(auth ? { authorization: auth } : {}) }, timeout: REGISTRY_LIMITS.requestMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy();
            reject(this.answer(`the answer to ${what} is larger than ${maxBytes} bytes`));
          } else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(connectionError(e, this.host, what)));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof RegistryError ? e : connectionError(e, this.host, what)));
      req.end();
    });
  }
}

function header(a: Answer, name: string): string | undefined {
  const v = a.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function checkRepo(repo: string): void {
  if (!matches('imageRepository', repo) || repo.includes(':')) throw new UsageError('repository', `${shownValue(repo)} is not a repository path`, 'use lowercase path components such as acme/orders');
}

function checkReference(ref: string): void {
  if (!matches('imageTag', ref) && !matches('imageDigest', ref)) throw new UsageError('reference', `${shownValue(ref)} is neither a tag nor a sha256 digest`, 'use a tag such as 1.4.0 or a digest sha256:<64 hex digits>');
}

/** The tags of one tag-list page: `{"name": repo, "tags": [...]}`, every tag checked. */
export function parseTagList(body: Buffer, repo: string, host: string): string[] {
  const bad = (why: string) => new RegistryError('answer', host, `registry ${host}: the tag list of ${repo} ${why}`);
  let doc: any;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw bad('is not JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad('is not a JSON object');
  if (doc.tags === null || doc.tags === undefined) return [];
  if (!Array.isArray(doc.tags)) throw bad('has no list of tags');
  for (const t of doc.tags) if (!matches('imageTag', t)) throw bad(`holds ${typeof t === 'string' ? shownValue(t) : `a ${t === null ? 'null' : typeof t}`}, which is not a tag`);
  return doc.tags as string[];
}

/** The path of the next page from a Link header (`<path?n=..&last=..>; rel="next"`): same registry, same repository only. */
export function nextPage(link: string | undefined, repo: string, host: string): string | undefined {
  if (!link) return undefined;
  const m = /<([^>]{1,2048})>\s*;\s*rel="?next"?/i.exec(link);
  if (!m) return undefined;
  let u: URL;
  try {
    u = new URL(m[1], `https://${host}`);
  } catch {
    throw new RegistryError('answer', host, `registry ${host}: its next-page link ${shownValue(m[1])} is not a URL`);
  }
  if (u.host !== host || u.pathname !== `/v2/${repo}/tags/list`) throw new RegistryError('answer', host, `registry ${host}: its next-page link ${shownValue(m[1])} leaves the tag list of ${repo}`);
  return `${u.pathname}${u.search}`;
}

/** `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` -> scheme and parameters. */
export function parseChallenge(h: string): { scheme: 'basic' | 'bearer'; params: Record<string, string> } | undefined {
  const m = /^\s*(basic|bearer)\b(.*)$/is.exec(h.slice(0, 4096));
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/([a-z_]+)\s*=\s*(?:"([^"]*)"|([^\s,]*))/gi)) params[p[1].toLowerCase()] = p[2] ?? p[3];
  return { scheme: m[1].toLowerCase() as 'basic' | 'bearer', params };
}

/** The registry's own error text ({"errors":[{"code","message"}]}), short and on one line. */
function errorText(body: Buffer): string {
  try {
    const e = JSON.parse(body.toString('utf8').slice(0, 65536))?.errors?.[0];
    if (e && typeof e.code === 'string') return `: ${`${e.code} ${typeof e.message === 'string' ? e.message : ''}`.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200).trim()}`;
  } catch {
    // not JSON: nothing to add
  }
  return '';
}
