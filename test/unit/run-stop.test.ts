import { processRunner } from '../../src/process/run';

describe('processRunner stop', () => {
  it('SIGTERM reaches the child (its trap runs), the run is waited for and says stopped', async () => {
    const stop = new AbortController();
    let started = false;
    const run = processRunner.run('bash', ['-c', 'trap "echo cleaned; exit 3" TERM; echo up; while :; do sleep 0.05; done'], { stop: stop.signal, onStart: () => (started = true) });
    expect(started).toBe(true);
    setTimeout(() => stop.abort(), 300);
    const r = await run;
    expect(r).toMatchObject({ code: 3, stopped: true });
    expect(r.stdout).toBe('up\ncleaned\n');
    expect(r.interrupted).toBeUndefined();
  });

  it('a run that ends before the stop is not marked stopped', async () => {
    const stop = new AbortController();
    const r = await processRunner.run('true', [], { stop: stop.signal });
    stop.abort();
    expect(r.code).toBe(0);
    expect(r.stopped).toBeUndefined();
  });
});
