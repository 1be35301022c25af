/** Command-line options of `npm run bench -- ...`. */
export interface BenchOptions {
  durationMs: number;
  warmupMs: number;
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
  /** Run our server with node --cpu-prof, profiles under bench/results/profiles. */
  profile: boolean;
  /** A built checkout of another version (e.g. a `git worktree` at main): its server replaces the raw SDK one. */
  baseline?: string;
  out?: string;
}

export const USAGE = `Usage: npm run bench -- [options]
  --duration <s>     measured seconds per run (default 5)
  --warmup <s>       warm-up seconds before each run (default 1)
  --runs <n>         alternating runs per workload, raw then ours; medians are reported (default 3)
  --n <list>         numbers of filler tools, e.g. 0,100,1000 (default 0,100,1000)
  --workloads <list> workloads to run (default: all), see below
  --connections <n>  concurrent keep-alive connections (default 32)
  --sessions <n>     idle sessions for the memory probe (default 1000; at most 200 with 1000+ tools)
  --soak <s>         length of the heap-growth run (default 60)
  --no-pin           do not pin server and load generator to different cores with taskset
  --write-docs       regenerate the measured part of docs/benchmarks.md
  --out <file>       where to write the raw JSON (default bench/results/<timestamp>.json)
  --profile          run our server under node --cpu-prof (profiles in bench/results/profiles)
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
    runs: 3,
    fillers: [0, 100, 1000],
    workloads: known,
    connections: 32,
    sessions: 1000,
    soakMs: 60_000,
    pin: true,
    writeDocs: false,
    smoke: false,
    profile: false,
  };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    given.add(flag);
    switch (flag) {
      case '--duration': options.durationMs = positive(flag, value(), 0.1) * 1000; break;
      case '--warmup': options.warmupMs = positive(flag, value()) * 1000; break;
      case '--runs': options.runs = Math.round(positive(flag, value(), 1)); break;
      case '--n': options.fillers = list(value() ?? '').map((n) => Math.round(positive(flag, n))); break;
      case '--workloads': options.workloads = list(value() ?? ''); break;
      case '--connections': options.connections = Math.round(positive(flag, value(), 1)); break;
      case '--sessions': options.sessions = Math.round(positive(flag, value(), 1)); break;
      case '--soak': options.soakMs = positive(flag, value(), 0.1) * 1000; break;
      case '--no-pin': options.pin = false; break;
      case '--write-docs': options.writeDocs = true; break;
      case '--out': options.out = value(); break;
      case '--smoke': options.smoke = true; break;
      case '--profile': options.profile = true; break;
      case '--baseline': options.baseline = value(); break;
      case '--help': case '-h': console.log(`${USAGE}\n  workloads: ${known.join(', ')}`); return process.exit(0);
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (options.smoke) {
    if (!given.has('--duration')) options.durationMs = 1000;
    if (!given.has('--warmup')) options.warmupMs = 200;
    if (!given.has('--runs')) options.runs = 1;
    if (!given.has('--n')) options.fillers = [0];
    if (!given.has('--sessions')) options.sessions = 20;
    if (!given.has('--soak')) options.soakMs = 1000;
  }
  const unknown = options.workloads.filter((name) => !known.includes(name));
  if (unknown.length) throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  if (options.fillers.length === 0) throw new Error('--n needs at least one number');
  return options;
}

/** Raw-SDK sessions with 1000 tools hold about 2 MB each: keep the probe within the machine's memory. */
export function sessionsFor(options: BenchOptions, fillers: number): number {
  return fillers >= 1000 ? Math.min(options.sessions, 200) : options.sessions;
}
