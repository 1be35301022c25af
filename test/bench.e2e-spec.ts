import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Row {
  workload: string;
  median: { raw: { throughput: number }; ours: { throughput: number } };
  errors: number;
}

/**
 * The benchmark runs end to end (a 1-second smoke run over a few workloads): both servers start, the load
 * generator gets a verified answer for each of its requests, and the raw JSON is written. No timing is asserted.
 */
describe('npm run bench -- --smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nestmcp-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every kind of workload against both servers and writes its results', async () => {
    const out = join(dir, 'results.json');
    const workloads = 'call-session-sse,call-stateless-json,list-json,session-create,idle-memory,soak';
    const stdout = await new Promise<string>((done, fail) => {
      execFile(
        'npm',
        ['run', 'bench', '--', '--smoke', '--no-pin', '--workloads', workloads, '--out', out],
        { cwd: process.cwd(), env: { ...process.env, NODE_OPTIONS: '' }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
      );
    });
    const results = JSON.parse(readFileSync(out, 'utf8')) as { throughput: Row[]; memory: { errors: number }[]; soak: { errors: number }[] };
    expect(results.throughput.map((row) => row.workload)).toEqual(['call-session-sse', 'call-stateless-json', 'list-json', 'session-create']);
    for (const row of results.throughput) {
      expect(row.errors).toBe(0);
      expect(row.median.raw.throughput).toBeGreaterThan(0);
      expect(row.median.ours.throughput).toBeGreaterThan(0);
    }
    expect(results.memory).toHaveLength(1);
    expect(results.soak).toHaveLength(1);
    expect([...results.memory, ...results.soak].every((row) => row.errors === 0)).toBe(true);
    expect(stdout).toMatch(/^call-session-sse N=0: ours\/raw throughput [\d.]+x, p99 [\d.]+x$/m);
  }, 300_000);
});
