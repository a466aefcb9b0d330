// The one image-builder gateway: buildah, podman or docker behind one interface
// (build for a list of platforms, push, the pushed digest). Commands are argument
// arrays for the process runner. Registry credentials reach the builder only as
// a private authfile (buildah/podman --authfile, docker's DOCKER_CONFIG
// directory), a private CA only as a --cert-dir: never on argv, never printed.
// Storage and isolation are the builder's own settings (containers-storage.conf,
// CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION), taken from the environment.
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NotFoundError, UsageError } from '../errors';
import { matches, shownValue } from '../inputs/grammar';
import { runChecked, Runner, processRunner } from '../process/run';

export const BUILDERS = ['buildah', 'podman', 'docker'] as const;
export type BuilderName = (typeof BUILDERS)[number];

export interface BuildRequest {
  context: string; // the module directory
  dockerfile: string; // path of the Dockerfile
  image: string; // HOST/NAMESPACE/NAME:TAG
  platforms: string[]; // [] = the builder's default (this machine's)
  buildArgs: Record<string, string>;
}

export interface PushRequest {
  image: string;
  platforms: string[]; // as built: several make a manifest list
  authDir: string; // private directory holding auth.json (docker: config.json), 0600
  certDir?: string; // directory holding ca.crt (--ca-file)
  digestFile: string; // where the builder writes the pushed digest
}

export interface Step {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  mayFail?: boolean; // clean-up before a build (e.g. removing an old manifest list)
}

/** The commands of one builder; pure, so they are unit-tested. */
export interface BuilderCommands {
  name: BuilderName;
  build(r: BuildRequest): Step[];
  push(r: PushRequest): Step[];
  /** The file name the credentials are written under in PushRequest.authDir. */
  authFileName: string;
}

const buildArgs = (r: BuildRequest) => Object.entries(r.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);

/** buildah and podman share their flags: --layers, --manifest for several platforms, --authfile, --cert-dir, --digestfile. */
function containersTool(name: 'buildah' | 'podman'): BuilderCommands {
  return {
    name,
    authFileName: 'auth.json',
    build(r) {
      const common = ['build', '--layers', '-f', r.dockerfile, ...buildArgs(r)];
      if (r.platforms.length <= 1) return [{ cmd: name, args: [...common, ...(r.platforms.length ? ['--platform', r.platforms[0]] : []), '-t', r.image, r.context] }];
      // A manifest list of that name would collect the new images beside the old ones.
      return [
        { cmd: name, args: ['manifest', 'rm', r.image], mayFail: true },
        { cmd: name, args: [...common, '--platform', r.platforms.join(','), '--manifest', r.image, r.context] },
      ];
    },
    push(r) {
      const auth = ['--authfile', join(r.authDir, 'auth.json'), ...(r.certDir ? ['--cert-dir', r.certDir] : []), '--digestfile', r.digestFile];
      const dest = `docker://${r.image}`;
      return r.platforms.length > 1 ? [{ cmd: name, args: ['manifest', 'push', '--all', ...auth, r.image, dest] }] : [{ cmd: name, args: ['push', ...auth, r.image, dest] }];
    },
  };
}

/** docker: one platform per image; credentials through DOCKER_CONFIG (its CA comes from the daemon's certs.d). */
const docker: BuilderCommands = {
  name: 'docker',
  authFileName: 'config.json',
  build(r) {
    if (r.platforms.length > 1) throw new UsageError('--platform', `docker builds one platform per image here, not ${r.platforms.join(',')}`, 'use --builder buildah or podman for a multi-platform image, or give one platform');
    return [{ cmd: 'docker', args: ['build', '-f', r.dockerfile, ...buildArgs(r), ...(r.platforms.length ? ['--platform', r.platforms[0]] : []), '-t', r.image, r.context] }];
  },
  push(r) {
    const env = { DOCKER_CONFIG: r.authDir };
    return [{ cmd: 'docker', args: ['push', r.image], env }];
  },
};

export const COMMANDS: Record<BuilderName, BuilderCommands> = { buildah: containersTool('buildah'), podman: containersTool('podman'), docker };

/** The first builder on PATH (buildah, podman, docker), or the one asked for; a clear error when none is there. */
export function findBuilder(choice: string | undefined, env: NodeJS.ProcessEnv = process.env): BuilderCommands {
  if (choice !== undefined && !(BUILDERS as readonly string[]).includes(choice)) throw new UsageError('--builder', `${shownValue(choice)} is not a known image builder`, `use one of ${BUILDERS.join(', ')}`);
  const wanted = choice ? [choice as BuilderName] : [...BUILDERS];
  const found = wanted.find((b) => onPath(b, env));
  if (!found) {
    throw new NotFoundError(
      choice ? `--builder ${choice}: ${choice} is not on PATH` : `no image builder on PATH: looked for ${BUILDERS.join(', ')}`,
      `install one of ${BUILDERS.join(', ')} (buildah needs no daemon), or publish the chart alone with --chart-only`,
    );
  }
  return COMMANDS[found];
}

function onPath(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** A --platform list: os/arch[/variant] entries, comma-separated, no repeats. */
export function parsePlatforms(value: string | undefined): string[] {
  if (value === undefined) return [];
  const list = value.split(',').map((p) => p.trim());
  const fix = 'use os/arch[/variant], comma-separated, e.g. linux/amd64,linux/arm64';
  if (list.length > 16) throw new UsageError('--platform', `${list.length} platforms is more than 16`, fix);
  for (const p of list) if (!/^[a-z0-9]{1,32}\/[a-z0-9_]{1,32}(?:\/[a-z0-9]{1,32})?$/.test(p)) throw new UsageError('--platform', `${shownValue(p)} is not a platform`, fix);
  if (new Set(list).size !== list.length) throw new UsageError('--platform', `${shownValue(value)} names a platform twice`, fix);
  return list;
}

/** Runs a builder's steps in order; a failing step is a ProcessError (exit code, redacted argv, last lines of output). */
export async function runSteps(steps: Step[], o: { env: NodeJS.ProcessEnv; cwd?: string; runner?: Runner; onOutput?: (chunk: string) => void }): Promise<void> {
  const runner = o.runner ?? processRunner;
  for (const s of steps) {
    const opts = { env: { ...o.env, ...s.env }, cwd: o.cwd, onOutput: o.onOutput };
    if (s.mayFail) await runner.run(s.cmd, s.args, opts);
    else await runChecked(runner, s.cmd, s.args, opts);
  }
}

/** The digest a builder wrote after a push (checked), or undefined when it wrote none. */
export function readDigestFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').slice(0, 200).trim();
  } catch {
    return undefined;
  }
  return matches('imageDigest', text) ? text : undefined;
}
