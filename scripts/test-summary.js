#!/usr/bin/env node
// The closing line of `npm test`: tests passed and failed, suites that failed to
// load (a suite that cannot load runs no test, so jest counts none of its tests),
// and runs that left no result file (jest stopped before writing one), over every
// jest --json result file given. Exits 1 when anything failed.
const { readFileSync } = require('node:fs');

function summarize(files) {
  const total = { passed: 0, failed: 0, notLoaded: 0, noResults: 0 };
  for (const file of files) {
    let r;
    try {
      r = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      total.noResults++;
      continue;
    }
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.notLoaded += r.numRuntimeErrorTestSuites;
  }
  return total;
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function closingLine(t) {
  const parts = [`${t.passed} passed`, `${t.failed} failed`, plural(t.notLoaded, 'suite failed to load', 'suites failed to load')];
  if (t.noResults) parts.push(plural(t.noResults, 'run left no results', 'runs left no results'));
  return `tests: ${parts.join(', ')}`;
}

if (require.main === module) {
  const t = summarize(process.argv.slice(2));
  console.log(closingLine(t));
  process.exit(t.failed || t.notLoaded || t.noResults ? 1 : 0);
}

module.exports = { summarize, closingLine };
