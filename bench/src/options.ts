import { IMPLS, type Impl } from './servers/server-config.js';

/** Command-line options of `npm run bench -- ...`. */
export interface BenchOptions {
  durationMs: number;
  warmupMs: number;
  /**
   * An unmeasured run on each server before a workload's first measured round: a fresh server process needs a few
   * seconds of load before V8 has compiled its hot path and sized its heap (first runs measured at half speed).
   */
  roundWarmupMs: number;
  runs: number;
  fillers: number[];
  workloads: string[];
  connections: number;
  /** Idle sessions opened for the memory probe (fewer with 1000 tools, see `sessionsFor`). */
  sessions: number;
  soakMs: number;
  pin: boolean;
  writeDocs: boolean;
  smoke: boolean;
  quick: boolean;
  plan: boolean;
  /** Only set up the peers and the --node versions, then exit. */
  setup: boolean;
  /** Run our server with node --cpu-prof, profiles under bench/results/profiles. */
  profile: boolean;
  /** Profile ours (express and Fastify) and the raw SDK under the tools/call workloads and split the CPU by layer. */
  layers: boolean;
  /** The servers to run (raw, ours, fastify, mcp-nest, fastmcp). */
  servers: Impl[];
  /** The N at which the peers run (default: every N). */
  peerFillers?: number[];
  /** Set up missing peers (npm ci, a Python venv); off: skip a peer that is not installed. */
  peerSetup: boolean;
  /** More Node majors to run the Node servers on (besides the one running the bench), e.g. [22, 24]. */
  nodeVersions: number[];
  /** The workloads of the extra Node versions (at the smallest N). */
  nodeWorkloads: string[];
  /** A built checkout of another version (e.g. a `git worktree` at main): its server replaces the raw SDK one. */
  baseline?: string;
  out?: string;
}

export const DEFAULT_NODE_WORKLOADS = ['call-session-json', 'call-session-sse', 'call-stateless-json', 'call-stateless-sse'];

export const USAGE = `Usage: npm run bench -- [options]
  --duration <s>     measured seconds per run (default 5)
  --warmup <s>       warm-up seconds before each run (default 1)
  --warmup-round <s> an unmeasured run of this length on each server before a workload's first round (default 3; 0: none)
  --runs <n>         alternating runs per workload (raw, ours, fastify, peers, raw, ...); medians are reported (default 3)
  --n <list>         numbers of filler tools, e.g. 0,100,1000 (default 0,100,1000)
  --workloads <list> workloads to run (default: all), see below
  --servers <list>   servers to run (default: ${IMPLS.join(',')})
  --peer-n <list>    the N at which the peers (mcp-nest, fastmcp) run (default: every --n)
  --no-peer-setup    do not install a missing peer (npm ci, Python venv); skip it instead
  --node <list>      also run the Node servers on these Node majors, e.g. 22,24 (npm package "node" in
                     test/node-versions/<major>, installed on first use)
  --node-workloads <list>  workloads of those extra Node runs, at the smallest N (default ${DEFAULT_NODE_WORKLOADS.join(',')})
  --connections <n>  concurrent keep-alive connections (default 32)
  --sessions <n>     idle sessions for the memory probe (default 1000; at most 200 with 1000+ tools)
  --soak <s>         length of the heap-growth run (default 60)
  --layers           profile our servers and the raw SDK under tools/call and split server CPU per call by layer
                     (on with --write-docs; --no-layers turns it off)
  --no-pin           do not pin servers and load generator to different cores with taskset
  --write-docs       regenerate the measured part of docs/benchmarks.md
  --out <file>       where to write the raw JSON (default bench/results/<timestamp>.json)
  --profile          run our server under node --cpu-prof (whole process; profiles in bench/results/profiles)
  --plan             print the runs this command would make and their estimated time, then exit
  --setup            only set up the peers of --servers and the Node versions of --node, then exit
  --quick            2-second runs, 2 runs each, N=0,1000, 10 s soak: a rough full picture in a fraction of the time
  --smoke            1-second runs, one run, N=0, few sessions: checks that everything works
  --baseline <dir>   compare against another build instead of the raw SDK: <dir> is a checkout of this repo
                     (git worktree add <dir> <ref>; then in it: npm ci && npm run build && npx tsc -p bench/tsconfig.json);
                     the "raw" column is then that build's server, and ratios are this build / that one`;

function list(value: string): string[] {
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

function positive(name: string, value: string | undefined, min = 0): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min) throw new Error(`${name} needs a number >= ${min}, got ${value}`);
  return parsed;
}

export function parseOptions(argv: string[], known: string[]): BenchOptions {
  const options: BenchOptions = {
    durationMs: 5000,
    warmupMs: 1000,
    roundWarmupMs: 3000,
    runs: 3,
    fillers: [0, 100, 1000],
    workloads: known,
    connections: 32,
    sessions: 1000,
    soakMs: 60_000,
    pin: true,
    writeDocs: false,
    smoke: false,
    quick: false,
    plan: false,
    setup: false,
    profile: false,
    layers: false,
    servers: [...IMPLS],
    peerSetup: true,
    nodeVersions: [],
    nodeWorkloads: DEFAULT_NODE_WORKLOADS,
  };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    given.add(flag);
    switch (flag) {
      case '--duration': options.durationMs = positive(flag, value(), 0.1) * 1000; break;
      case '--warmup': options.warmupMs = positive(flag, value()) * 1000; break;
      case '--warmup-round': options.roundWarmupMs = positive(flag, value()) * 1000; break;
      case '--runs': options.runs = Math.round(positive(flag, value(), 1)); break;
      case '--n': options.fillers = list(value() ?? '').map((n) => Math.round(positive(flag, n))); break;
      case '--workloads': options.workloads = list(value() ?? ''); break;
      case '--servers': options.servers = list(value() ?? '') as Impl[]; break;
      case '--peer-n': options.peerFillers = list(value() ?? '').map((n) => Math.round(positive(flag, n))); break;
      case '--no-peer-setup': options.peerSetup = false; break;
      case '--node': options.nodeVersions = list(value() ?? '').map((n) => Math.round(positive(flag, n, 18))); break;
      case '--node-workloads': options.nodeWorkloads = list(value() ?? ''); break;
      case '--connections': options.connections = Math.round(positive(flag, value(), 1)); break;
      case '--sessions': options.sessions = Math.round(positive(flag, value(), 1)); break;
      case '--soak': options.soakMs = positive(flag, value(), 0.1) * 1000; break;
      case '--layers': options.layers = true; break;
      case '--no-layers': options.layers = false; break;
      case '--no-pin': options.pin = false; break;
      case '--write-docs': options.writeDocs = true; break;
      case '--out': options.out = value(); break;
      case '--smoke': options.smoke = true; break;
      case '--quick': options.quick = true; break;
      case '--plan': options.plan = true; break;
      case '--setup': options.setup = true; break;
      case '--profile': options.profile = true; break;
      case '--baseline': options.baseline = value(); break;
      case '--help': case '-h': console.log(`${USAGE}\n  workloads: ${known.join(', ')}`); return process.exit(0);
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (options.writeDocs && !given.has('--no-layers')) options.layers = true;
  const preset = (flag: string, apply: () => void) => !given.has(flag) && apply();
  if (options.smoke) {
    preset('--duration', () => (options.durationMs = 1000));
    preset('--warmup', () => (options.warmupMs = 200));
    preset('--warmup-round', () => (options.roundWarmupMs = 0));
    preset('--runs', () => (options.runs = 1));
    preset('--n', () => (options.fillers = [0]));
    preset('--sessions', () => (options.sessions = 20));
    preset('--soak', () => (options.soakMs = 1000));
  } else if (options.quick) {
    preset('--duration', () => (options.durationMs = 2000));
    preset('--warmup', () => (options.warmupMs = 500));
    preset('--warmup-round', () => (options.roundWarmupMs = 1000));
    preset('--runs', () => (options.runs = 2));
    preset('--n', () => (options.fillers = [0, 1000]));
    preset('--sessions', () => (options.sessions = 200));
    preset('--soak', () => (options.soakMs = 10_000));
  }
  const unknown = [...options.workloads, ...options.nodeWorkloads].filter((name) => !known.includes(name));
  if (unknown.length) throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const badServers = options.servers.filter((name) => !IMPLS.includes(name));
  if (badServers.length) throw new Error(`unknown server(s) ${badServers.join(', ')}; known: ${IMPLS.join(', ')}`);
  if (options.baseline) {
    // The baseline build's server stands in for raw; the peers, Fastify and the profiles compare other things.
    options.servers = options.servers.filter((name) => name === 'raw' || name === 'ours');
    options.layers = false;
  }
  if (options.fillers.length === 0) throw new Error('--n needs at least one number');
  return options;
}

/** Raw-SDK sessions with 1000 tools hold about 2 MB each: keep the probe within the machine's memory. */
export function sessionsFor(options: BenchOptions, fillers: number): number {
  return fillers >= 1000 ? Math.min(options.sessions, 200) : options.sessions;
}

/** How long the idle-memory probe opens and closes sessions (a warm-up) before it measures. */
export function idleWarmupMs(options: BenchOptions): number {
  return Math.max(500, options.warmupMs);
}

/** The servers that run a workload at N (peers only at --peer-n). */
export function serversAt(options: BenchOptions, fillers: number, only?: readonly Impl[]): Impl[] {
  return options.servers.filter((impl) => {
    if (only && !only.includes(impl)) return false;
    const peer = impl === 'mcp-nest' || impl === 'fastmcp';
    return !peer || !options.peerFillers || options.peerFillers.includes(fillers);
  });
}
