import { fmt } from './format.js';
import { idleWarmupMs, serversAt, sessionsFor, type BenchOptions } from './options.js';
import { NODE_IMPLS, type Impl } from './servers/server-config.js';
import { RATE_REFERENCE, serverKey, WORKLOADS, type Workload } from './workloads.js';

/** One set of server processes: one Node version, one server configuration, one N, and the workloads run on it. */
export interface Group {
  /** Node major of the Node servers, undefined: the Node running the bench. */
  nodeMajor?: number;
  fillers: number;
  key: string;
  workloads: Workload[];
  servers: Impl[];
}

export interface Plan {
  groups: Group[];
  /** Profiled runs for the "where the time goes" table. */
  layers: { impl: Impl; workload: Workload; fillers: number }[];
  estimateSeconds: number;
}

/** The workloads whose servers are profiled for the "where the time goes" table (with --layers). */
export const LAYER_WORKLOADS = ['call-session-json', 'call-stateless-json'];

/** Seconds around each load run: the load process start, the sessions' handshakes, the end of the window. */
const PER_RUN = 1;
const SERVER_START = 5;

function groupsOf(workloads: Workload[], fillers: number[], options: BenchOptions, nodeMajor: number | undefined, allowed: readonly Impl[]): Group[] {
  const groups: Group[] = [];
  const smallest = Math.min(...fillers);
  for (const n of fillers) {
    const byKey = new Map<string, Workload[]>();
    for (const workload of workloads) {
      // The soak and the open-loop rates run at the smallest N only.
      if ((workload.measure === 'soak' || workload.measure === 'latency') && n !== smallest) continue;
      byKey.set(serverKey(workload), [...(byKey.get(serverKey(workload)) ?? []), workload]);
    }
    for (const [key, list] of byKey) {
      const servers = [...new Set(list.flatMap((workload) => serversAt(options, n, workload.only)))].filter((impl) => allowed.includes(impl));
      if (servers.length) groups.push({ nodeMajor, fillers: n, key, workloads: list, servers });
    }
  }
  return groups;
}

function workloadSeconds(options: BenchOptions, group: Group, workload: Workload): number {
  const servers = group.servers.filter((impl) => !workload.only || workload.only.includes(impl)).length;
  const run = (options.warmupMs + options.durationMs) / 1000 + PER_RUN;
  const round = options.roundWarmupMs > 0 ? servers * (options.roundWarmupMs / 1000 + PER_RUN) : 0;
  switch (workload.measure) {
    case 'throughput': {
      // freshRounds: every round after the first starts new processes (side by side) and warms each up again.
      const warmedRounds = workload.freshRounds ? options.runs : 1;
      return warmedRounds * round + (warmedRounds - 1) * SERVER_START + options.runs * servers * run;
    }
    case 'latency':
      return round + options.runs * servers * run + (group.workloads.some((other) => other.name === RATE_REFERENCE) ? 0 : run);
    case 'memory':
      return servers * (3 + idleWarmupMs(options) / 1000 + sessionsFor(options, group.fillers) * 0.004);
    case 'soak':
      return servers * (options.soakMs / 1000 + Math.min(options.durationMs, 2000) / 1000 + 2 * PER_RUN);
  }
}

export function makePlan(options: BenchOptions): Plan {
  const selected = WORKLOADS.filter((workload) => options.workloads.includes(workload.name));
  const groups = groupsOf(selected, options.fillers, options, undefined, options.servers);
  const nodeWorkloads = WORKLOADS.filter((workload) => options.nodeWorkloads.includes(workload.name));
  for (const nodeMajor of options.nodeVersions) groups.push(...groupsOf(nodeWorkloads, [Math.min(...options.fillers)], options, nodeMajor, NODE_IMPLS));
  const layers: Plan['layers'] = [];
  if (options.layers) {
    // Profiled on the servers of the run, right after their closed-loop run of these workloads (warm, and before
    // the memory probe leaves idle sessions in them), at the smallest N.
    const fillers = Math.min(...options.fillers);
    for (const name of LAYER_WORKLOADS.filter((workload) => options.workloads.includes(workload))) {
      const workload = WORKLOADS.find((candidate) => candidate.name === name)!;
      for (const impl of options.servers.filter((server) => server === 'raw' || server === 'ours' || server === 'fastify')) layers.push({ impl, workload, fillers });
    }
  }
  let seconds = 0;
  for (const group of groups) {
    seconds += SERVER_START + (group.servers.includes('fastmcp') ? 4 : 0);
    for (const workload of group.workloads) seconds += workloadSeconds(options, group, workload);
  }
  seconds += layers.length * (Math.max(1000, options.warmupMs) / 1000 + options.durationMs / 1000 + 2 * PER_RUN + 1);
  return { groups, layers, estimateSeconds: seconds };
}

export function minutes(seconds: number): string {
  return seconds < 90 ? `${fmt(seconds)} s` : `${fmt(seconds / 60, 0)} min`;
}

export function planText(plan: Plan, options: BenchOptions): string {
  const lines = [
    `${options.runs} run(s) of ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s measured per server and workload, ${options.connections} connections` +
      (options.roundWarmupMs > 0 ? `; first an unmeasured ${options.roundWarmupMs / 1000} s run per server and workload` : ''),
  ];
  for (const group of plan.groups) {
    const node = group.nodeMajor ? `Node ${group.nodeMajor}` : `Node ${process.versions.node.split('.')[0]} (this one)`;
    lines.push(`${node}, ${group.key}, N=${group.fillers}: ${group.servers.join(', ')} | ${group.workloads.map((workload) => workload.name).join(', ')}`);
  }
  const fresh = plan.groups.flatMap((group) => group.workloads).filter((workload) => workload.freshRounds && workload.measure === 'throughput');
  if (fresh.length && options.runs > 1) lines.push(`new server processes (each warmed up again) for every round of: ${[...new Set(fresh.map((workload) => workload.name))].join(', ')}`);
  if (options.layers && !plan.layers.length) lines.push(`layers: none (they profile ${LAYER_WORKLOADS.join(' or ')}, which this command does not run)`);
  if (plan.layers.length) lines.push(`layers (CPU profiles): ${plan.layers.map((item) => `${item.impl} ${item.workload.name}`).join(', ')} at N=${plan.layers[0].fillers}`);
  lines.push(`estimated time: ${minutes(plan.estimateSeconds)} (plus first-use set-up of peers and Node versions, if any)`);
  return lines.join('\n');
}
