#!/usr/bin/env node
// oclif entry point; plugin.yaml runs this with node.
require('@oclif/core').execute({ dir: __dirname }).catch(require('@oclif/core/handle'));
