import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command';
import { jsonFlag, namespaceFlag } from '../flags';
import { helmClient } from '../helm/client';
import { formatHistory, history } from '../release/history';

export default class History extends BaseCommand {
  static summary = 'Show the revisions of a release, marking the live one';
  static description = `Every revision is read (plain helm history shows the newest 256), so the live one is found however long the history. A revision older than the live one that is still marked deployed is flagged.

Exit codes: 0 done, 2 usage, 5 release or namespace not found, 6 Helm failed (or the cluster is unreachable: nothing attempted), 130 interrupted.`;
  static examples = ['<%= config.bin %> history hello', '<%= config.bin %> history hello --max 5 --json'];
  static args = { release: Args.string({ required: true, description: 'release name' }) };
  static flags = {
    max: Flags.integer({ min: 1, description: 'show at most this many of the newest revisions (all are read, so the live one is always found)' }),
    ...namespaceFlag,
    ...jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(History);
    const r = await history(helmClient(flags), args.release, flags.max);
    this.log(flags.json ? JSON.stringify(r, null, 2) : formatHistory(r));
  }
}
