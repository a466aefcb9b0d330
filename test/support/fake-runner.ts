// A scripted Runner for unit tests: records each call, answers from a handler.
import { Runner, RunResult } from '../../src/process/run';

export interface Call {
  cmd: string;
  args: string[];
}

export function fakeRunner(version: string, handle: (args: string[]) => Partial<RunResult> = () => ({})): Runner & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async run(cmd, args) {
      calls.push({ cmd, args: [...args] });
      if (args[0] === 'version') return { code: 0, stdout: version, stderr: '' };
      return { code: 0, stdout: '', stderr: '', ...handle([...args]) };
    },
  };
}
