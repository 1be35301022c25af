import { dirname, resolve } from 'node:path';
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from './load/load-job.js';
import type { PeerStatus } from './peers.js';
import type { MemorySample, ServerCommand, ServerConfig, ServerReply } from './servers/server-config.js';

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

/** The first JSON line `{ "port": n }` a (non-Node) server prints on stdout. */
function portFromStdout(child: ChildProcess, what: string, timeoutMs: number): Promise<{ port: number }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => done(new Error(`${what}: no port in ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => done(new Error(`${what}: exited with ${code}`));
    lines.on('line', (line) => {
      try {
        const port = (JSON.parse(line) as { port?: number }).port;
        if (typeof port === 'number') done(undefined, { port });
      } catch {
        // not the port line
      }
    });
    child.on('exit', onExit);
    function done(error?: Error, value?: { port: number }) {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      child.stdout!.resume();
      if (error) reject(error);
      else resolve(value!);
    }
  });
}

export interface StartOptions {
  pin: boolean;
  /** Extra node flags for this server (e.g. --cpu-prof). */
  execArgv?: string[];
  /** A built checkout of another version: its server is started in place of the raw SDK one. */
  baseline?: string;
  /** The node binary for Node servers (default: the one running the bench). */
  nodePath?: string;
  /** How to start mcp-nest and fastmcp (from preparePeers). */
  peers?: Partial<Record<string, PeerStatus>>;
}

/** A server process (raw SDK, ours, a peer) on 127.0.0.1, pinned to core 0. */
export class ServerProcess {
  private constructor(
    readonly config: ServerConfig,
    readonly port: number,
    private readonly child: ChildProcess,
    /** Whether it answers memory and profile requests (the servers of bench/src/server-main.ts). */
    readonly probes: boolean,
  ) {}

  /**
   * `baseline`: a checkout of another version of this repository, built (`npm ci && npm run build && npx tsc -p
   * bench/tsconfig.json` in it): its own bench server (with its own @nestmcp/core) is started instead of the raw
   * SDK one, so the "raw" column is that build ("ours" at another git ref, side by side with this one).
   */
  static async start(config: ServerConfig, options: StartOptions): Promise<ServerProcess> {
    const what = `${config.impl} server`;
    const execArgv = ['--expose-gc', ...(options.execArgv ?? [])];
    let child: ChildProcess;
    let probes = true;
    if (config.impl === 'fastmcp') {
      const [python, script] = options.peers?.fastmcp?.command ?? [];
      if (!python) throw new Error('fastmcp is not set up');
      child = spawn(python, [script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
      probes = false;
    } else if (config.impl === 'mcp-nest') {
      const [script] = options.peers?.['mcp-nest']?.command ?? [];
      if (!script) throw new Error('@rekog/mcp-nest is not set up');
      child = fork(script, [JSON.stringify(config)], { cwd: dirname(script), execPath: options.nodePath, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      probes = false;
    } else {
      const asBaseline = options.baseline !== undefined && config.impl === 'raw';
      const main = asBaseline ? resolve(options.baseline!, 'bench/dist/server-main.js') : here('./server-main.js');
      child = fork(main, [JSON.stringify(asBaseline ? { ...config, impl: 'ours' } : config)], { execPath: options.nodePath, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    }
    pin(child.pid, 0, options.pin);
    try {
      const { port } = child.stdout ? await portFromStdout(child, what, 120_000) : await once<{ port: number }>(child, what, 120_000);
      // Threads a server starts after it listens (V8's, libuv's) are pinned too.
      pin(child.pid, 0, options.pin);
      return new ServerProcess(config, port, child, probes);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private async ask<T>(command: ServerCommand, what: string, timeoutMs = 30_000): Promise<T> {
    if (!this.probes) throw new Error(`${this.config.impl} server: ${what} is not supported`);
    const answer = once<T>(this.child, what, timeoutMs);
    this.child.send(command);
    return answer;
  }

  /**
   * Heap and RSS after a full GC. Waits for the servers' core to go quiet first: right after a load run the raw SDK
   * at N = 1000 still works off its requests in flight for seconds (and its full GC of a heap of hundreds of MB
   * takes more), which sent the probe past its time limit in a docs run with 5 s runs.
   */
  async memory(): Promise<MemorySample> {
    await quietServerCore();
    return (await this.ask<{ mem: MemorySample }>({ cmd: 'mem' }, 'memory probe', 120_000)).mem;
  }

  async profileStart(): Promise<void> {
    await this.ask<ServerReply>({ cmd: 'profile-start' }, 'profile start');
  }

  /** Writes the profile to `file`; returns the process's CPU time (µs, user + system) while it ran. */
  async profileStop(file: string): Promise<number> {
    return (await this.ask<{ profiled: string; cpuUs: number }>({ cmd: 'profile-stop', file }, 'profile stop', 120_000)).cpuUs;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.connected) this.child.send({ cmd: 'stop' } satisfies ServerCommand, () => undefined);
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Busy and total jiffies of one core from /proc/stat, or undefined where there is no such file. */
function coreTimes(core: number): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((entry) => entry.startsWith(`cpu${core} `));
    if (!line) return undefined;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

const QUIET_WAIT_MS = 10_000;

/**
 * Waits until the servers' core is quiet (under 10 % busy over 200 ms), at most `maxMs`: a server that answered
 * slowly (the raw SDK at N = 1000: ~50 ms per stateless call) still works off the requests in flight when its
 * run ends, on the core the next server's run is about to use. Returns how long it waited.
 */
export async function quietServerCore(maxMs = QUIET_WAIT_MS): Promise<number> {
  if (!pinned()) return 0;
  const started = Date.now();
  let before = coreTimes(0);
  while (before && Date.now() - started < maxMs) {
    await sleep(200);
    const after = coreTimes(0);
    if (!after) break;
    const total = after.total - before.total;
    if (total > 0 && (after.busy - before.busy) / total < 0.1) break;
    before = after;
  }
  return Date.now() - started;
}

/** Runs one load job in its own process, pinned to core 1, and returns what it measured. */
export async function runLoad(job: LoadJob, pinEnabled: boolean): Promise<LoadResult> {
  if (pinEnabled && (await quietServerCore()) >= QUIET_WAIT_MS) {
    process.stderr.write(`  (the servers' core stayed busy for ${QUIET_WAIT_MS / 1000} s before this run)\n`);
  }
  const child = fork(here('./load/load-main.js'), [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  pin(child.pid, 1, pinEnabled);
  const timeout = job.warmupMs + job.durationMs + 120_000;
  try {
    return (await once<{ result: LoadResult }>(child, 'load generator', timeout)).result;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
