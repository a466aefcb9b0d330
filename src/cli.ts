// Every command, for oclif's explicit command discovery (package.json "oclif.commands"):
// one module, so the bundled CLI loads without scanning directories.
import Bump from './commands/bump';
import Ci from './commands/ci';
import Create from './commands/create';
import History from './commands/history';
import Rollback from './commands/rollback';
import Upgrade from './commands/upgrade';

export const COMMANDS = { bump: Bump, ci: Ci, create: Create, history: History, rollback: Rollback, upgrade: Upgrade };
export { execute, handle } from '@oclif/core';
export * as oclif from '@oclif/core'; // for the build's manifest step
