// Registry credentials as `helm registry login` stores them: the file named by
// HELM_REGISTRY_CONFIG, else Helm's default (<Helm config home>/registry/config.json),
// in docker's config.json format ({"auths": {"HOST": {"auth": base64(user:password)}}}).
// The secrets never leave this module except as an Authorization header or a
// private authfile for an image builder.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { readBounded } from '../files/read';
import { UsageError } from '../errors';

export interface Credential {
  username: string;
  password: string;
}

/** Where Helm keeps registry logins (HELM_REGISTRY_CONFIG, HELM_CONFIG_HOME, XDG_CONFIG_HOME, Helm's per-OS default). */
export function registryConfigPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HELM_REGISTRY_CONFIG) return env.HELM_REGISTRY_CONFIG;
  const home = env.HOME || homedir();
  const configHome =
    env.HELM_CONFIG_HOME ||
    (env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? join(env.XDG_CONFIG_HOME, 'helm') : undefined) ||
    (platform === 'darwin' ? join(home, 'Library', 'Preferences', 'helm') : platform === 'win32' ? join(env.APPDATA || home, 'helm') : join(home, '.config', 'helm'));
  return join(configHome, 'registry', 'config.json');
}

const MAX_CONFIG_BYTES = 1024 * 1024;

/** The login for `host` in Helm's registry config, or undefined (anonymous). */
export function readCredential(host: string, env: NodeJS.ProcessEnv = process.env): Credential | undefined {
  const file = registryConfigPath(env);
  if (!existsSync(file)) return undefined;
  return credentialFrom(readBounded(file, { maxBytes: MAX_CONFIG_BYTES, field: 'HELM_REGISTRY_CONFIG' }), host, file);
}

/** The login for `host` in the text of a docker-format config file; problems name the file, never a secret. */
export function credentialFrom(text: string, host: string, file: string): Credential | undefined {
  const bad = (why: string) => new UsageError('HELM_REGISTRY_CONFIG', `${file}: ${why}`, `log in again with: helm registry login ${host}`);
  let config: any;
  try {
    config = JSON.parse(text);
  } catch {
    throw bad('is not valid JSON');
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw bad('is not a JSON object');
  const auths = config.auths ?? {};
  if (typeof auths !== 'object' || Array.isArray(auths)) throw bad('"auths" is not an object');
  const key = Object.keys(auths).find((k) => hostOfKey(k) === host);
  if (key === undefined) {
    const helper = config.credHelpers?.[host] ?? config.credsStore;
    if (typeof helper === 'string' && helper) throw bad(`the login for ${host} is kept by the credential helper "docker-credential-${helper}", which goservice does not call`);
    return undefined;
  }
  const entry = auths[key];
  if (!entry || typeof entry !== 'object') throw bad(`the entry for ${host} is not an object`);
  if (typeof entry.auth === 'string' && entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon <= 0) throw bad(`the "auth" of ${host} is not base64 of USER:PASSWORD`);
    return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username) return { username: entry.username, password: entry.password };
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) return { username: '<token>', password: entry.identitytoken };
  return undefined;
}

/** "https://host:port/v1/" or "host:port" -> "host:port" (docker and Helm write either form). */
function hostOfKey(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

/** A docker-format config holding only `host`'s login, for a builder's --authfile (written 0600 by the caller). */
export function authFileText(host: string, c: Credential | undefined): string {
  return JSON.stringify({ auths: c ? { [host]: { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') } } : {} });
}
