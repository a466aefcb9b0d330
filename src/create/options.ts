// The checks on create's own options, run before anything is read or written:
// every option that reaches a generated file is a token of its grammar
// (src/inputs/grammar.ts) or is refused with the flag, the value and the fix.
import { posix } from 'node:path';
import { UsageError } from '../errors';
import { checkSemver, checkToken, GRAMMAR, matches, shownValue } from '../inputs/grammar';
import type { GoModule } from '../model';
import type { CreateOptions } from './create';

/** Value flags checked here as well as by the schema, so the refusal names the flag (exit 2) rather than the key. */
const TOKEN_VALUE_FLAGS = { '--image': 'imageRepository' } as const;

/** `o` with every option checked and --chart-dir normalised (default charts/NAME). */
export function checkCreateOptions(o: CreateOptions): CreateOptions & { chartDir: string } {
  checkToken('chartName', 'NAME', o.name);
  checkSemver('--chart-version', o.chartVersion);
  checkToken('imageTag', '--app-version', o.appVersion);
  if (o.versionVariable !== undefined) checkToken('goLinkerVariable', '--version-var', o.versionVariable);
  if (o.goVersion !== undefined) checkToken('goVersion', '--go-version', o.goVersion);
  for (const f of o.flagValues) {
    const grammar = TOKEN_VALUE_FLAGS[f.flag as keyof typeof TOKEN_VALUE_FLAGS];
    if (grammar) checkToken(grammar, f.flag, String(f.value));
  }
  return { ...o, chartDir: chartDirOf(o) };
}

/**
 * --chart-dir, normalised once ("./charts//x/" -> "charts/x"), then held to the
 * relativeDir grammar: inside the module, not the module root, not hidden, no
 * characters that .dockerignore or a shell would read differently.
 */
function chartDirOf(o: CreateOptions): string {
  if (o.chartDir === undefined) return `charts/${o.name}`;
  const given = o.chartDir;
  const normalised = given === '' ? '' : posix.normalize(given).replace(/\/+$/, '');
  if (posix.isAbsolute(given)) {
    throw new UsageError('--chart-dir', `${shownValue(given)} is an absolute path`, 'give a directory relative to the module root, e.g. charts/orders');
  }
  if (normalised === '' || normalised === '.' || normalised === '..' || normalised.startsWith('../')) {
    throw new UsageError('--chart-dir', `${shownValue(given)} is not a directory inside the module`, 'give a directory below the module root, e.g. charts/orders');
  }
  if (!matches('relativeDir', normalised)) {
    throw new UsageError('--chart-dir', `${shownValue(given)} is not valid`, `use ${GRAMMAR.relativeDir.expected}`);
  }
  return normalised;
}

/**
 * The chart directory is kept out of the image (.dockerignore), so it must not
 * hold what the build needs: the main package or vendor/.
 */
export function checkChartDirInModule(chartDir: string, module: Pick<GoModule, 'mainPackage' | 'vendored'>): void {
  const within = (dir: string, parent: string) => dir === parent || dir.startsWith(`${parent}/`);
  const main = module.mainPackage.replace(/^\.\/?/, '');
  if (within(main, chartDir)) {
    throw new UsageError('--chart-dir', `${shownValue(chartDir)} holds the main package ${module.mainPackage}, which the image build needs`, 'choose a directory of its own, e.g. charts/NAME');
  }
  if (module.vendored && within(chartDir, 'vendor')) {
    throw new UsageError('--chart-dir', `${shownValue(chartDir)} is inside vendor/, which the image build needs`, 'choose a directory of its own, e.g. charts/NAME');
  }
}
