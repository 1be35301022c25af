import { resolve } from 'node:path';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from './load/load-job.js';
import type { MemorySample, ServerConfig, ServerReply } from './servers/server-config.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

let pinning: boolean | undefined;
/** Pins a process and all its threads to one core with taskset; quietly does nothing where that is unavailable. */
function pin(pid: number | undefined, core: number, enabled: boolean): void {
  if (!enabled || pid === undefined || cpus().length < 2) return;
  if (pinning === false) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    pinning = true;
  } catch {
    pinning = false;
  }
}

export function pinned(): boolean {
  return pinning === true;
}

function once<T>(child: ChildProcess, what: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what}: no answer in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: T | { error: string }) => {
      const error = (message as { error?: string }).error;
      done(error ? new Error(`${what}: ${error}`) : undefined, message as T);
    };
    const onExit = (code: number | null) => done(new Error(`${what}: exited with ${code}`));
    function done(error?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** A server process (raw SDK or ours) on 127.0.0.1, pinned to core 0. */
export class ServerProcess {
  private constructor(
    readonly config: ServerConfig,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /**
   * `baseline`: a checkout of another version of this repository, built (`npm ci && npm run build && npx tsc -p
   * bench/tsconfig.json` in it): its own bench server (with its own @nestmcp/core) is started instead of the raw
   * SDK one, so the "raw" column is that build ("ours" at another git ref, side by side with this one).
   */
  static async start(config: ServerConfig, pinEnabled: boolean, execArgv: string[] = [], baseline?: string): Promise<ServerProcess> {
    const asBaseline = baseline !== undefined && config.impl === 'raw';
    const main = asBaseline ? resolve(baseline, 'bench/dist/server-main.js') : here('./server-main.js');
    const child = fork(main, [JSON.stringify(asBaseline ? { ...config, impl: 'ours' } : config)], {
      execArgv: ['--expose-gc', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    pin(child.pid, 0, pinEnabled);
    try {
      const { port } = await once<{ port: number }>(child, `${config.impl} server`, 60_000);
      return new ServerProcess(config, port, child);
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  async memory(): Promise<MemorySample> {
    const answer = once<{ mem: MemorySample }>(this.child, 'memory probe', 30_000);
    this.child.send({ cmd: 'mem' });
    return (await answer).mem;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ cmd: 'stop' } satisfies { cmd: 'stop' }, () => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export type { ServerReply };

/** Runs one load job in its own process, pinned to core 1, and returns what it measured. */
export async function runLoad(job: LoadJob, pinEnabled: boolean): Promise<LoadResult> {
  const child = fork(here('./load/load-main.js'), [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  pin(child.pid, 1, pinEnabled);
  const timeout = job.warmupMs + job.durationMs + 120_000;
  try {
    return (await once<{ result: LoadResult }>(child, 'load generator', timeout)).result;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
