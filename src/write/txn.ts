// All-or-nothing replacement of whole units (a chart directory, a Dockerfile)
// below a root. Everything is staged in root/.goservice-txn-XXXX/new first; a
// journal written last (by rename) is the commit point; then each unit is moved
// into place with renames, the old one parked in .../old. A run killed at any
// point leaves either an uncommitted transaction (thrown away by `recover`) or a
// committed one (finished by `recover`), never a half-written unit.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fsError } from '../errors';

export const TXN_PREFIX = '.goservice-txn-';
const JOURNAL = 'journal.json';

const lexists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Stages the units with `fill(newRoot)`, commits, and moves them into place. */
export function transact(root: string, units: string[], fill: (newRoot: string) => void): void {
  let txn: string;
  try {
    txn = mkdtempSync(join(root, TXN_PREFIX));
  } catch (e) {
    throw fsError(e, root, 'create a staging directory in it');
  }
  try {
    mkdirSync(join(txn, 'new'));
    fill(join(txn, 'new'));
    writeFileSync(join(txn, `${JOURNAL}.tmp`), JSON.stringify({ units }));
    renameSync(join(txn, `${JOURNAL}.tmp`), join(txn, JOURNAL)); // the commit point
  } catch (e) {
    rmSync(txn, { recursive: true, force: true });
    throw fsError(e, txn, 'stage the generated files');
  }
  finish(root, txn, units);
}

function finish(root: string, txn: string, units: string[]): void {
  for (const unit of units) {
    const staged = join(txn, 'new', unit);
    if (!lexists(staged)) continue; // moved already
    const target = join(root, unit);
    try {
      if (lexists(target)) {
        mkdirSync(dirname(join(txn, 'old', unit)), { recursive: true });
        renameSync(target, join(txn, 'old', unit));
      }
      mkdirSync(dirname(target), { recursive: true });
      renameSync(staged, target);
    } catch (e) {
      throw fsError(e, target, 'move the generated files into place (run again to finish)');
    }
  }
  rmSync(txn, { recursive: true, force: true });
}

/**
 * Finishes committed transactions left by an interrupted run and removes
 * uncommitted ones. Returns the units it completed. Call it holding the root's lock.
 */
export function recover(root: string): string[] {
  const done: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(root).filter((n) => n.startsWith(TXN_PREFIX));
  } catch (e) {
    throw fsError(e, root, 'list it');
  }
  for (const name of entries) {
    const txn = join(root, name);
    if (!lstatSync(txn).isDirectory()) continue;
    const journal = join(txn, JOURNAL);
    if (!existsSync(journal)) {
      rmSync(txn, { recursive: true, force: true });
      continue;
    }
    let units: string[];
    try {
      units = JSON.parse(readFileSync(journal, 'utf8')).units;
    } catch {
      rmSync(txn, { recursive: true, force: true }); // unreadable: never committed properly
      continue;
    }
    finish(root, txn, units);
    done.push(...units);
  }
  return done;
}
