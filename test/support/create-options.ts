import { CreateOptions } from '../../src/create/create';

/** CreateOptions as the command fills them with no flags, overridden per test. */
export function createOptions(o: Partial<CreateOptions> & Pick<CreateOptions, 'name' | 'dir'>): CreateOptions {
  return {
    runtime: 'distroless',
    appVersion: '0.1.0',
    chartVersion: '0.1.0',
    flagValues: [],
    nodeRequired: [],
    nodePreferred: [],
    valuesFiles: [],
    set: [],
    chartOnly: false,
    dockerfileOnly: false,
    force: false,
    dryRun: false,
    ...o,
  };
}
