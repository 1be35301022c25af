import { fmt, kb, major, mb, ms, percent, ratio, table } from './format.js';
import { LAYERS } from './layers.js';
import { IMPLS, type Impl } from './servers/server-config.js';
import { RATIOS, ratioKey, type LatencyRow, type LayerRow, type MemoryRow, type SoakRow, type ThroughputRow } from './results.js';

/** The servers that appear in any of the rows, in the IMPLS order. */
function present(rows: { median?: Partial<Record<Impl, unknown>>; perSession?: Partial<Record<Impl, unknown>>; heap?: Partial<Record<Impl, unknown>> }[]): Impl[] {
  return IMPLS.filter((impl) => rows.some((row) => (row.median ?? row.perSession ?? row.heap)?.[impl] !== undefined));
}

function ratiosOf(servers: Impl[]): (readonly [Impl, Impl])[] {
  return RATIOS.filter(([a, b]) => servers.includes(a) && servers.includes(b));
}

/** Closed-loop throughput per server (medians of the runs) and the ratios between them. */
export function throughputTable(rows: ThroughputRow[]): string {
  const servers = present(rows);
  const ratios = ratiosOf(servers);
  return table(
    ['workload', 'N', ...servers.map((impl) => `${impl} ops/s`), ...ratios.map(ratioKey), 'errors'],
    rows.map((row) => [
      row.workload,
      String(row.fillers),
      ...servers.map((impl) => (row.median[impl] ? fmt(row.median[impl].throughput) : '-')),
      ...ratios.map((pair) => (row.ratios[ratioKey(pair)] !== undefined ? ratio(row.ratios[ratioKey(pair)]) : '-')),
      String(row.errors),
    ]),
  );
}

/** Closed-loop p50 and p99 per server (medians of the runs). */
export function closedLatencyTable(rows: ThroughputRow[]): string {
  const servers = present(rows);
  return table(
    ['workload', 'N', ...servers.map((impl) => `${impl} p50 / p99 ms`)],
    rows.map((row) => [
      row.workload,
      String(row.fillers),
      ...servers.map((impl) => (row.median[impl] ? `${ms(row.median[impl].p50)} / ${ms(row.median[impl].p99)}` : '-')),
    ]),
  );
}

/** Open-loop latency: one line per server and rate. */
export function openLatencyTable(rows: LatencyRow[]): string {
  const lines: string[][] = [];
  for (const row of rows) {
    for (const impl of IMPLS) {
      const summary = row.median[impl];
      if (!summary) continue;
      lines.push([
        row.workload,
        String(row.fillers),
        `${fmt(row.rate)} (${percent(row.fraction)} of ${fmt(row.rawMax)})`,
        impl,
        fmt(summary.throughput),
        ms(summary.p50),
        ms(summary.p99),
        ms(summary.p999),
      ]);
    }
  }
  return table(['workload', 'N', 'rate sent, ops/s', 'server', 'answered ops/s', 'p50 ms', 'p99 ms', 'p99.9 ms'], lines);
}

/** Ratios per Node version (the rows of every Node version, main one included). */
export function nodeTable(rows: ThroughputRow[]): string {
  const servers = present(rows);
  const ratios = ratiosOf(servers);
  return table(
    ['Node', 'workload', 'N', ...servers.map((impl) => `${impl} ops/s`), ...ratios.map(ratioKey)],
    [...rows]
      .sort((a, b) => Number(major(a.node)) - Number(major(b.node)))
      .map((row) => [
        row.node,
        row.workload,
        String(row.fillers),
        ...servers.map((impl) => (row.median[impl] ? fmt(row.median[impl].throughput) : '-')),
        ...ratios.map((pair) => (row.ratios[ratioKey(pair)] !== undefined ? ratio(row.ratios[ratioKey(pair)]) : '-')),
      ]),
  );
}

export function memoryTable(rows: MemoryRow[]): string {
  const servers = present(rows);
  return table(
    ['N', 'sessions', ...servers.map((impl) => `${impl} heap/session`), ...servers.map((impl) => `${impl} RSS/session`), 'errors'],
    rows.map((row) => [
      String(row.fillers),
      String(row.sessions),
      ...servers.map((impl) => (row.perSession[impl] ? kb(row.perSession[impl].heapBytes) : '-')),
      ...servers.map((impl) => (row.perSession[impl] ? kb(row.perSession[impl].rssBytes) : '-')),
      String(row.errors),
    ]),
  );
}

export function soakTable(rows: SoakRow[]): string {
  const servers = present(rows);
  return table(
    ['N', 'seconds', ...servers.flatMap((impl) => [`${impl} heap before → after`, `${impl} growth`]), 'errors'],
    rows.map((row) => [
      String(row.fillers),
      fmt(row.seconds),
      ...servers.flatMap((impl) => {
        const heap = row.heap[impl];
        return heap ? [`${mb(heap.before)} → ${mb(heap.after)}`, mb(heap.growth)] : ['-', '-'];
      }),
      String(row.errors),
    ]),
  );
}

/**
 * Server CPU per call by layer: the process's CPU time per call, split by the profile's share of self time per
 * layer (µs per call and share), one column per profiled server and workload.
 */
export function layerTable(rows: LayerRow[]): string {
  const header = ['layer', ...rows.map((row) => `${row.impl}, ${row.workload} µs/call`)];
  const lines = LAYERS.map((layer) => [
    layer,
    ...rows.map((row) => {
      const share = (row.layers[layer] ?? 0) / Math.max(1, row.busyUs);
      return `${fmt((share * row.cpuUs) / Math.max(1, row.calls), 1)} (${percent(share)})`;
    }),
  ]);
  lines.push(['**server CPU per call**', ...rows.map((row) => `**${fmt(row.cpuUs / Math.max(1, row.calls), 1)}**`)]);
  lines.push(['calls profiled', ...rows.map((row) => fmt(row.calls))]);
  return table(header, lines);
}
