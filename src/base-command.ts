import { Command } from '@oclif/core';
import { fsError, GoserviceError } from './errors';

/**
 * Every command extends this: typed errors from the core are reported once, as
 * "Error: <message>" plus a "Fix:" line, with the error's stable exit code.
 */
export abstract class BaseCommand extends Command {
  protected async catch(raw: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // A file-system error that escaped the core still gets a path, a cause and a fix.
    const err = (raw as NodeJS.ErrnoException).code && (raw as NodeJS.ErrnoException).path ? fsError(raw, (raw as NodeJS.ErrnoException).path!, 'use it') : raw;
    if (err instanceof GoserviceError) {
      process.stderr.write(`Error: ${err.message}\n`);
      if (err.suggestion) process.stderr.write(`Fix: ${err.suggestion}\n`);
      this.exit(err.exitCode);
    }
    return super.catch(raw);
  }
}
