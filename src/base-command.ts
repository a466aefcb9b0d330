import { Command } from '@oclif/core';
import { GoserviceError } from './errors';

/**
 * Every command extends this: typed errors from the core are reported once, as
 * "Error: <message>" plus a "Fix:" line, with the error's stable exit code.
 */
export abstract class BaseCommand extends Command {
  protected async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof GoserviceError) {
      process.stderr.write(`Error: ${err.message}\n`);
      if (err.suggestion) process.stderr.write(`Fix: ${err.suggestion}\n`);
      this.exit(err.exitCode);
    }
    return super.catch(err);
  }
}
