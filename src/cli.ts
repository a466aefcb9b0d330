// Every command, for oclif's explicit command discovery (package.json "oclif.commands"):
// one module, so the bundled CLI loads without scanning directories.
import Bump from './commands/bump';
import Ci from './commands/ci';
import Create from './commands/create';
import Diff from './commands/diff';
import History from './commands/history';
import Publish from './commands/publish';
import Rollback from './commands/rollback';
import Upgrade from './commands/upgrade';
import Versions from './commands/versions';

export const COMMANDS = {
  bump: Bump,
  ci: Ci,
  create: Create,
  diff: Diff,
  history: History,
  publish: Publish,
  rollback: Rollback,
  upgrade: Upgrade,
  versions: Versions,
};
export { execute, handle } from '@oclif/core';
export * as oclif from '@oclif/core'; // for the build's manifest step
