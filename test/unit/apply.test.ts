import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFiles } from '../../src/write/apply';

const files = new Map([
  ['charts/x/Chart.yaml', 'name: x\n'],
  ['Dockerfile', 'FROM scratch\n'],
]);

describe('applyFiles', () => {
  it('creates, then reports unchanged, and leaves no temp dir', () => {
    const root = mkdtempSync(join(tmpdir(), 'apply-'));
    expect(applyFiles(root, files, { force: false, dryRun: false }).map((r) => r.action)).toEqual(['created', 'created']);
    expect(readFileSync(join(root, 'charts/x/Chart.yaml'), 'utf8')).toBe('name: x\n');
    expect(applyFiles(root, files, { force: false, dryRun: false }).map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    expect(readdirSync(root).sort()).toEqual(['Dockerfile', 'charts']);
  });

  it('refuses to replace without force, writing nothing at all', () => {
    const root = mkdtempSync(join(tmpdir(), 'apply-'));
    writeFileSync(join(root, 'Dockerfile'), 'FROM alpine\n');
    expect(() => applyFiles(root, files, { force: false, dryRun: false })).toThrow(/would overwrite 1 existing file.*: Dockerfile/);
    expect(readdirSync(root)).toEqual(['Dockerfile']);
    expect(applyFiles(root, files, { force: true, dryRun: false }).map((r) => r.action)).toEqual(['created', 'replaced']);
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe('FROM scratch\n');
  });

  it('dry run writes nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'apply-'));
    expect(applyFiles(root, files, { force: false, dryRun: true }).map((r) => r.action)).toEqual(['created', 'created']);
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses paths outside the root', () => {
    const root = mkdtempSync(join(tmpdir(), 'apply-'));
    expect(() => applyFiles(root, new Map([['../evil', 'x']]), { force: false, dryRun: false })).toThrow(/outside/);
  });
});
