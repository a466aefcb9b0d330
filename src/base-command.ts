import { Command, Errors, Interfaces } from '@oclif/core';
import type { ArgOutput, FlagOutput } from '@oclif/core/lib/interfaces/parser';
import { fsError, GoserviceError, UsageError } from './errors';
import { jsonError } from './report/json-error';

/**
 * Every command extends this: typed errors from the core are reported once, as
 * "Error: <message>" plus a "Fix:" line, with the error's stable exit code; with
 * --json also as one error object on stdout (src/report/json-error.ts).
 */
export abstract class BaseCommand extends Command {
  // A flag or argument parser that throws a plain Error (e.g. an integer below its
  // minimum) gets the usage exit code like oclif's own parse errors.
  protected async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv);
    } catch (e) {
      if (e instanceof Errors.CLIError || e instanceof GoserviceError || !(e instanceof Error)) throw e;
      throw new UsageError('arguments', e.message, 'see --help');
    }
  }

  protected async catch(raw: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // A file-system error that escaped the core still gets a path, a cause and a fix.
    const err = (raw as NodeJS.ErrnoException).code && (raw as NodeJS.ErrnoException).path ? fsError(raw, (raw as NodeJS.ErrnoException).path!, 'use it') : raw;
    if (this.argv.includes('--json') && !(raw instanceof Errors.ExitError)) process.stdout.write(`${JSON.stringify(jsonError(err))}\n`);
    if (err instanceof GoserviceError) {
      process.stderr.write(`Error: ${err.message}\n`);
      if (err.suggestion) process.stderr.write(`Fix: ${err.suggestion}\n`);
      this.exit(err.exitCode);
    }
    return super.catch(raw);
  }
}
