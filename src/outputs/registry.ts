// Generated CI pipelines, one entry each: the id `helm goservice ci ID` selects,
// the file it writes, and its pure render function.
import type { CiPlan } from '../ci/stages';
import { ciGithub } from './ci-github';
import { ciGitlab } from './ci-gitlab';

export interface CiOutput {
  id: string;
  path: string; // relative to the module root
  render(plan: CiPlan, command: string): string;
}

export const CI_OUTPUTS: readonly CiOutput[] = [ciGithub, ciGitlab];


