import { Flags } from '@oclif/core';

/** Values input shared by create and upgrade: Helm's own -f/--values and --set. */
export const valuesFlags = {
  values: Flags.string({
    char: 'f',
    multiple: true,
    default: [],
    helpValue: 'FILE',
    description: 'values file in the shape of the chart\'s values.yaml (repeatable; later files win; null deletes a default)',
  }),
  set: Flags.string({
    multiple: true,
    default: [],
    helpValue: 'KEY=VALUE',
    description: 'set a value on the command line, Helm syntax (repeatable; applied after --values)',
  }),
};

export const jsonFlag = {
  json: Flags.boolean({ description: 'print the result as JSON', default: false }),
};
