// Hot-path measurement (bench/NOTES-hot-path.md): CPU time of the server process per tools/call over a fixed
// number of requests (process.cpuUsage deltas, read over IPC), for ours and the raw SDK, alternating, medians.
// Wall-clock throughput on a shared machine is noise; CPU per request of a pinned server is much steadier.
//   node bench/profile-hot/run.mjs --impl ours,raw --mode session --json --n 0 --requests 4000 --runs 3
//   --sse (SSE answers), --mode stateless, --platform fastify, --prefix api, --cpu-prof <dir>
//   --alloc-prof <path>: a sampling allocation profile (garbage included) of the measured calls, <path>-<impl>.heapprofile
//   --promoted: with --alloc-prof, only what outlived a scavenge (promoted to, or made in, the old generation: what
//   the next mark-compact has to collect); summarize with node bench/profile-hot/heap-summary.mjs <file>
//   --valgrind: run the server under callgrind and report instructions per request (slow: use few requests)
//   --mode create: session creation, the bench's session-create workload: each "request" is one handshake
//   (initialize, notifications/initialized, DELETE of the session) over the same keep-alive connections
//   --keep-callgrind <dir>: with --valgrind, keep the dump of the measured calls there
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(`--${name}`);
const impls = opt('impl', 'ours,raw').split(',');
const mode = opt('mode', 'session');
const json = !flag('sse');
const fillers = Number(opt('n', '0'));
const requests = Number(opt('requests', '4000'));
const warmup = Number(opt('warmup', String(Math.min(2000, requests))));
const runs = Number(opt('runs', '3'));
const conns = Number(opt('conns', '16'));
const platform = opt('platform', 'express');
const prefix = opt('prefix', '');
const cpuProf = opt('cpu-prof', '');
const allocProf = opt('alloc-prof', '');
const valgrind = flag('valgrind');
const pin = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
if (pin) spawnSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });

function startServer(impl) {
  const config = { impl, stateless: mode === 'stateless', json, fillers, platform, prefix, allocProf: allocProf && `${allocProf}-${impl}.heapprofile`, promoted: flag('promoted'), keepAliveMs: valgrind ? 600_000 : 0, mark: Boolean(opt('node-args', '')) };
  // --node-args '<flags>': more flags for the server's node (e.g. '--trace-deopt --trace-opt', to see what is still
  // compiled or deoptimized after the warm-up)
  const execArgv = ['--expose-gc', ...opt('node-args', '').split(' ').filter(Boolean)];
  if (cpuProf) {
    mkdirSync(cpuProf, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${cpuProf}`, `--cpu-prof-name=${impl}-${mode}-${json ? 'json' : 'sse'}-${fillers}-${Date.now()}.cpuprofile`);
  }
  let options = { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
  if (valgrind || pin) {
    const pre = [];
    if (pin) pre.push('taskset', '-c', '0');
    if (valgrind) pre.push('valgrind', '--tool=callgrind', `--callgrind-out-file=/tmp/hot-callgrind.%p`, '--instr-atstart=no', '--dump-instr=no', '-q');
    options = { ...options, execPath: pre[0], execArgv: [...pre.slice(1), process.execPath, ...execArgv] };
  }
  const child = fork(join(here, 'server.mjs'), [JSON.stringify(config)], options);
  const ask = (message) =>
    new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
      if (message) child.send(message);
    });
  return ask().then((ready) => ({ child, port: ready.port, ask }));
}

const INIT = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'hot', version: '1' } } };

async function post(client, path, body, sessionId, method = 'POST') {
  // A DELETE carries no body, so no Content-Type (as the bench's client sends it; Fastify refuses an empty JSON body).
  const headers = body ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' } : { 'mcp-protocol-version': '2025-11-25' };
  if (sessionId) headers['mcp-session-id'] = sessionId;
  const response = await client.request({ path, method, headers, body: body && JSON.stringify(body) });
  const text = await response.body.text();
  return { status: response.statusCode, text, sessionId: response.headers['mcp-session-id'] };
}

function answerOf(text) {
  const data = text.startsWith('{') ? text : text.split('\n').find((line) => line.startsWith('data: {'))?.slice(6);
  return data ? JSON.parse(data) : undefined;
}

// One handshake per iteration (--mode create): initialize, notifications/initialized, DELETE, as the bench's
// session-create workload does (bench/src/load/mcp-wire.ts), checking each status.
async function handshake(client, path, seq) {
  const init = await post(client, path, { ...INIT, id: seq });
  const answer = init.status === 200 ? answerOf(init.text) : undefined;
  if (answer?.result?.serverInfo?.name !== 'bench' || !init.sessionId) return `initialize: ${init.status} ${init.text.slice(0, 200)}`;
  const notified = await post(client, path, { jsonrpc: '2.0', method: 'notifications/initialized' }, init.sessionId);
  if (notified.status !== 202) return `initialized: ${notified.status} ${notified.text.slice(0, 200)}`;
  const deleted = await post(client, path, undefined, init.sessionId, 'DELETE');
  if (deleted.status !== 200 && deleted.status !== 204) return `DELETE: ${deleted.status} ${deleted.text.slice(0, 200)}`;
  return undefined;
}

async function drive(port, count, connections) {
  const path = prefix ? `/${prefix}/mcp` : '/mcp';
  let sent = 0;
  let errors = 0;
  if (mode === 'create') {
    await Promise.all(
      connections.map(async (conn) => {
        while (sent < count) {
          const problem = await handshake(conn.client, path, sent++);
          if (problem && errors++ < 3) console.error('bad handshake', problem);
        }
      }),
    );
    return errors;
  }
  await Promise.all(
    connections.map(async (conn, index) => {
      while (sent < count) {
        const seq = sent++;
        const response = await post(conn.client, path, { jsonrpc: '2.0', id: seq + 1, method: 'tools/call', params: { name: 'add', arguments: { a: seq, b: index } } }, conn.sessionId);
        const answer = response.status === 200 ? answerOf(response.text) : undefined;
        if (answer?.id !== seq + 1 || answer.result?.content?.[0]?.text !== String(seq + index)) {
          if (errors++ < 3) console.error('bad answer', response.status, response.text.slice(0, 300));
        }
      }
    }),
  );
  return errors;
}

async function measure(impl) {
  const server = await startServer(impl);
  const path = prefix ? `/${prefix}/mcp` : '/mcp';
  const connections = [];
  for (let i = 0; i < conns; i++) {
    const client = new Client(`http://127.0.0.1:${server.port}`, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 600_000, bodyTimeout: 600_000 });
    let sessionId;
    if (mode === 'session') {
      const init = await post(client, path, INIT);
      sessionId = init.sessionId;
      await post(client, path, { jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId);
    }
    connections.push({ client, sessionId });
  }
  let errors = await drive(server.port, warmup, connections);
  let before = await server.ask({ cmd: 'cpu', gc: true });
  if (!allocProf) {
    // The full GC above, with no request in flight, frees the maps Express gives requests and responses (it sets
    // their prototypes) and deoptimizes the code that embedded them: under callgrind ~40 % of the measured
    // instructions were then TurboFan recompiling it. Warm up again after it, so the measured calls count
    // steady-state work. (An allocation profile starts at the GC and keeps the old order.)
    errors += await drive(server.port, Math.min(500, warmup), connections);
    if (valgrind) {
      spawnSync('callgrind_control', ['-i', 'on', String(server.child.pid)], { stdio: 'ignore' });
      spawnSync('callgrind_control', ['-z', String(server.child.pid)], { stdio: 'ignore' });
    }
    before = await server.ask({ cmd: 'cpu' });
  } else if (valgrind) {
    spawnSync('callgrind_control', ['-i', 'on', String(server.child.pid)], { stdio: 'ignore' });
    spawnSync('callgrind_control', ['-z', String(server.child.pid)], { stdio: 'ignore' });
  }
  errors += await drive(server.port, requests, connections);
  const after = await server.ask({ cmd: 'cpu' });
  let instructions;
  if (valgrind) {
    // Dump the counts collected since the zeroing (the measured requests only) and read the file's totals.
    spawnSync('callgrind_control', ['-d', 'measured', String(server.child.pid)], { stdio: 'ignore' });
    spawnSync('callgrind_control', ['-i', 'off', String(server.child.pid)], { stdio: 'ignore' });
    let dumps = [];
    for (let tries = 0; tries < 120 && instructions === undefined; tries++) {
      dumps = readdirSync('/tmp').filter((name) => name.startsWith(`hot-callgrind.${server.child.pid}.`));
      for (const name of dumps) {
        const match = /^(?:totals|summary):\s*(\d+)/m.exec(readFileSync(join('/tmp', name), 'utf8'));
        if (match) instructions = Number(match[1]);
      }
      if (instructions === undefined) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // --keep-callgrind <dir>: keep the dump (callgrind_annotate it for the functions the instructions went to).
    const keep = opt('keep-callgrind', '');
    if (keep) mkdirSync(keep, { recursive: true });
    for (const name of dumps) {
      if (keep) renameSync(join('/tmp', name), join(keep, `${impl}-${mode}-${json ? 'json' : 'sse'}-${name}`));
      else unlinkSync(join('/tmp', name));
    }
    if (!instructions) console.error('no callgrind totals in', dumps);
  }
  await Promise.all(connections.map((conn) => conn.client.close()));
  server.child.send({ cmd: 'stop' });
  await new Promise((resolve) => server.child.once('exit', resolve));
  const user = after.cpu.user - before.cpu.user;
  const system = after.cpu.system - before.cpu.system;
  return { impl, usPerReq: (user + system) / requests, userUs: user / requests, sysUs: system / requests, instrPerReq: instructions && instructions / requests, errors };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = Object.fromEntries(impls.map((impl) => [impl, []]));
for (let run = 0; run < runs; run++) {
  for (const impl of impls) {
    const result = await measure(impl);
    results[impl].push(result);
    console.error(`  run ${run + 1} ${impl}: ${result.usPerReq.toFixed(1)} µs/req (user ${result.userUs.toFixed(1)}, sys ${result.sysUs.toFixed(1)})${result.instrPerReq ? `, ${Math.round(result.instrPerReq)} instr/req` : ''}, errors ${result.errors}`);
  }
}
const label = `${platform} ${mode} ${json ? 'json' : 'sse'} N=${fillers}${prefix ? ` prefix=${prefix}` : ''}`;
const summary = {};
for (const impl of impls) {
  // Contention on a shared machine only ever adds CPU time: the least of the runs is the steadiest figure.
  const values = results[impl].map((r) => r.usPerReq);
  summary[impl] = Math.min(...values);
  const instr = results[impl].map((r) => r.instrPerReq).filter(Boolean);
  console.log(`${label} ${impl}: ${summary[impl].toFixed(1)} µs/req CPU (least of ${runs}; median ${median(values).toFixed(1)})${instr.length ? `, ${Math.round(median(instr))} instr/req` : ''}`);
}
if (summary.ours && summary.raw) console.log(`${label} raw/ours CPU ratio: ${(summary.raw / summary.ours).toFixed(2)}x`);
if (summary.ours && summary.base) console.log(`${label} ours/base CPU: ${((summary.ours / summary.base - 1) * 100).toFixed(1)}%`);
if (Object.values(results).flat().some((r) => r.errors > 0)) process.exitCode = 1;
