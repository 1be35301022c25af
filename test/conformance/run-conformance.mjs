#!/usr/bin/env node
// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in runner/package.json, on the
// Node 22 installed there) against the fixture server in each mode, and exits non-zero on any unexpected result.
//
//   node test/conformance/run-conformance.mjs [--mode stateful|stateless|json ...] [--scenario NAME]
//
// Needs `npm run build` (the fixture in test/conformance/dist) and `npm ci --prefix test/conformance/runner`;
// `npm run conformance` does both. PORT (default 3001) is where the fixture listens. Results: .conformance/<mode>/.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const runnerDir = join(here, 'runner');
const node22 = join(runnerDir, 'node_modules/node/bin/node');
const suite = join(runnerDir, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const fixture = join(here, 'dist/main.js');
const port = Number(process.env.PORT ?? 3001);
const url = `http://127.0.0.1:${port}/mcp`;
/** Stateful last, so the run ends with the mode that must pass everything. */
const ALL_MODES = ['stateless', 'json', 'stateful'];

function parseArgs(argv) {
  const modes = [];
  let scenario;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--mode') modes.push(argv[++i]);
    else if (argv[i] === '--scenario') scenario = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  for (const mode of modes) if (!ALL_MODES.includes(mode)) throw new Error(`--mode must be one of ${ALL_MODES.join(', ')}`);
  return { modes: modes.length ? modes : ALL_MODES, scenario };
}

/** Scenario names listed in an expected-failures file (`server:` list of `- name  # why`). */
function expectedFailures(file) {
  const names = [];
  let inServer = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const text = line.replace(/#.*/, '').trimEnd();
    if (/^server:/.test(text)) inServer = true;
    else if (/^\S/.test(text)) inServer = false;
    else if (inServer && /^\s*-\s*\S/.test(text)) names.push(text.replace(/^\s*-\s*/, '').trim());
  }
  return names;
}

function startFixture(mode) {
  const child = spawn(process.execPath, [fixture], {
    cwd: root,
    env: { ...process.env, PORT: String(port), MCP_MODE: mode },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  return { child, log: () => log };
}

async function waitUntilListening(server) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (server.child.exitCode !== null) throw new Error(`the fixture exited with ${server.child.exitCode}:\n${server.log()}`);
    try {
      await fetch(url, { method: 'GET' });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`the fixture did not listen on ${url} within 10 s:\n${server.log()}`);
}

async function stopFixture(server) {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((done) => server.child.once('exit', done));
  server.child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
}

/** Runs the suite; echoes its output and returns its exit code and per-scenario summary. */
function runSuite(mode, scenario) {
  const baseline = join(here, 'expected-failures', `${mode}.yml`);
  const args = [suite, 'server', '--url', url, '--expected-failures', baseline, '-o', join(root, '.conformance', mode)];
  args.push(...(scenario ? ['--scenario', scenario] : ['--suite', 'all']));
  return new Promise((done, fail) => {
    const child = spawn(node22, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      // The suite's summary marks a scenario ✓ (no failed check) or ✗; with a baseline it also fails on warnings.
      const failing = new Set([...output.matchAll(/^\s+[✗~] (\S+)$/gm)].map(([, name]) => name));
      const scenarios = [...output.matchAll(/^([✓✗]) (\S+): \d+ passed, \d+ failed/gm)].map(([, mark, name]) => ({
        name,
        ok: mark === '✓' && !failing.has(name),
      }));
      done({ code: code ?? 1, scenarios, baseline: expectedFailures(baseline) });
    });
  });
}

async function main() {
  const { modes, scenario } = parseArgs(process.argv.slice(2));
  for (const [what, file] of [['Node 22 and the suite', suite], ['the fixture', fixture]]) {
    if (!existsSync(file)) throw new Error(`${what} not found (${file}): run \`npm run conformance\`, which installs and builds them`);
  }
  const results = [];
  for (const mode of modes) {
    console.log(`\n##### conformance: ${mode} mode (${url}) #####\n`);
    const server = startFixture(mode);
    try {
      await waitUntilListening(server);
      results.push({ mode, ...(await runSuite(mode, scenario)) });
    } finally {
      await stopFixture(server);
    }
  }
  console.log('\n##### conformance summary #####');
  let passed = 0;
  let failed = 0;
  for (const { mode, code, scenarios, baseline } of results) {
    const ok = scenarios.filter((s) => s.ok).length;
    const expected = scenarios.filter((s) => !s.ok && baseline.includes(s.name)).length;
    const unexpected = scenarios.filter((s) => !s.ok && !baseline.includes(s.name)).length;
    passed += ok;
    failed += unexpected + (code !== 0 && unexpected === 0 ? 1 : 0);
    console.log(`${code === 0 ? 'ok  ' : 'FAIL'} ${mode}: ${ok} scenarios passed, ${expected} expected failures, ${unexpected} unexpected (suite exit ${code})`);
  }
  console.log(`conformance: ${passed} passed, ${failed} failed`);
  process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
