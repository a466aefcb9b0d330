// Every command, for oclif's explicit command discovery (package.json "oclif.commands").
// Each command is a bundle of its own (dist/commands/<id>.js, see scripts/build.js),
// required only when oclif looks the command up to run it: a start-up evaluates oclif
// and the one command invoked, never the others.
import { type Command, settings } from '@oclif/core';

// The bundles are compiled: oclif must never look for TypeScript sources to run
// instead (it would with NODE_ENV=development or test, warning when there are none).
settings.enableAutoTranspile = false;

type CommandClass = Command.Class;
/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: Record<string, () => { default: CommandClass }> = {
  bump: () => require('./commands/bump'),
  ci: () => require('./commands/ci'),
  create: () => require('./commands/create'),
  diff: () => require('./commands/diff'),
  history: () => require('./commands/history'),
  publish: () => require('./commands/publish'),
  rollback: () => require('./commands/rollback'),
  upgrade: () => require('./commands/upgrade'),
  versions: () => require('./commands/versions'),
};

/** id -> command class, each a getter that loads its bundle on first access. */
export const COMMANDS: Record<string, CommandClass> = Object.defineProperties(
  {},
  Object.fromEntries(Object.entries(LOADERS).map(([id, load]) => [id, { enumerable: true, get: () => load().default }])),
);
export const COMMAND_IDS = Object.keys(LOADERS);
export { execute, handle } from '@oclif/core';
export * as oclif from '@oclif/core'; // for the build's manifest step
