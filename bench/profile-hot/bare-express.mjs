// What Express's per-request Object.setPrototypeOf costs (bench/NOTES-hot-path.md, round four): a bare Express app
// with one JSON route, CPU time of the server process per request (process.cpuUsage over IPC) under a closed loop of
// 32 connections (undici), for each way of building the server's requests and responses:
//   plain     Node's classes; Express sets the prototypes per request (what Express does on its own)
//   ours      the module's constructors (packages/core/dist/http/express-request-classes.js, the code the module runs)
//   noinherit a plain function constructor with `prototype = app.request` but without inheriting Node's constructor
//   reflect   Reflect.construct(Base, args, new.target) with `prototype = app.request`
//   copy      a subclass of Node's class whose prototype copies app.request (as fast as ours, but breaks live additions)
//   node bench/profile-hot/bare-express.mjs [--variants plain,ours,...] [--seconds 4] [--runs 2] [--node <path>] [--trace-gc]
// --trace-gc: also the scavenges of the measured window (average pause, median old-generation growth per scavenge).
// Run it alone on the machine: the load generator shares the cores (the CPU per request is the server's own).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

if (args[0] === '--serve') {
  const [, variant] = args;
  const { createServer, IncomingMessage, ServerResponse } = await import('node:http');
  const { default: express } = await import('express');
  const app = express();
  app.use(express.json());
  app.post('/rpc', (req, res) => res.json({ jsonrpc: '2.0', id: req.body.id, result: { ok: true } }));
  const server = createServer(app);
  const slot = (name) => Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === name);
  const install = (Request, Response) => {
    server[slot('IncomingMessage')] = Request;
    server[slot('ServerResponse')] = Response;
  };
  const withPrototype = (make) => install(make(IncomingMessage, app.request), make(ServerResponse, app.response));
  if (variant === 'ours') {
    const { useExpressRequestClasses } = await import('../../packages/core/dist/http/express-request-classes.js');
    if (!useExpressRequestClasses(server, app)) throw new Error('useExpressRequestClasses did not apply');
  } else if (variant === 'noinherit') {
    withPrototype((Base, proto) => Object.assign(function (...rest) { Base.apply(this, rest); }, { prototype: proto }));
  } else if (variant === 'reflect') {
    withPrototype((Base, proto) => {
      const Born = function (...rest) { return Reflect.construct(Base, rest, new.target ?? Born); };
      Object.setPrototypeOf(Born, Base);
      Born.prototype = proto;
      return Born;
    });
  } else if (variant === 'copy') {
    const copy = (Base, proto) => {
      const Derived = class extends Base {};
      Object.setPrototypeOf(Derived.prototype, Object.getPrototypeOf(proto));
      for (const key of Reflect.ownKeys(proto)) Object.defineProperty(Derived.prototype, key, Object.getOwnPropertyDescriptor(proto, key));
      return Derived;
    };
    const Request = copy(IncomingMessage, app.request);
    const Response = copy(ServerResponse, app.response);
    app.request = Request.prototype;
    app.response = Response.prototype;
    install(Request, Response);
  } else if (variant !== 'plain') throw new Error(`unknown variant ${variant}`);
  let last = process.cpuUsage();
  process.on('message', (message) => {
    if (message === 'cpu') {
      const used = process.cpuUsage(last);
      last = process.cpuUsage();
      process.send({ cpu: used.user + used.system });
    } else process.exit(0);
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
} else {
  const variants = opt('variants', 'plain,ours').split(',');
  const seconds = Number(opt('seconds', '4'));
  const runs = Number(opt('runs', '2'));
  const traceGc = args.includes('--trace-gc');
  const script = fileURLToPath(import.meta.url);
  const measure = async (variant) => {
    const child = fork(script, ['--serve', variant], {
      execPath: opt('node', process.execPath),
      execArgv: traceGc ? ['--trace-gc'] : [],
      stdio: ['ignore', traceGc ? 'pipe' : 'inherit', 'inherit', 'ipc'],
    });
    let gcLog = '';
    child.stdout?.on('data', (chunk) => (gcLog += chunk));
    const ask = () => new Promise((resolve) => child.once('message', resolve));
    const { port } = await ask();
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 32 });
    let done = 0;
    let stop = false;
    const loop = async () => {
      while (!stop) {
        const response = await pool.request({ path: '/rpc', method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"jsonrpc":"2.0","id":${done},"method":"x"}` });
        if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
        await response.body.text();
        done++;
      }
    };
    const window = async (ms) => {
      done = 0;
      stop = false;
      const loops = Array.from({ length: 32 }, loop);
      await new Promise((resolve) => setTimeout(resolve, ms));
      stop = true;
      await Promise.all(loops);
      return done;
    };
    await window(2000); // warm-up: V8 optimizes the request path
    child.send('cpu');
    await ask();
    const gcBefore = gcLog.length;
    const started = Date.now();
    const served = await window(seconds * 1000);
    const elapsed = (Date.now() - started) / 1000;
    child.send('cpu');
    const { cpu } = await ask();
    child.send('stop');
    await pool.close();
    const scavenges = [...gcLog.slice(gcBefore).matchAll(/Scavenge ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \//g)].map((m) => ({ after: Number(m[2]), pause: Number(m[3]) }));
    const growth = scavenges.slice(1).map((s, i) => s.after - scavenges[i].after).sort((a, b) => a - b);
    return {
      cpuPerRequest: cpu / served,
      perSecond: served / elapsed,
      pause: scavenges.length ? scavenges.reduce((sum, s) => sum + s.pause, 0) / scavenges.length : undefined,
      growth: growth.length ? growth[Math.floor(growth.length / 2)] : undefined,
    };
  };
  const results = new Map(variants.map((variant) => [variant, []]));
  for (let run = 0; run < runs; run++) for (const variant of variants) results.get(variant).push(await measure(variant));
  for (const [variant, list] of results) {
    const best = list.reduce((a, b) => (a.cpuPerRequest <= b.cpuPerRequest ? a : b));
    const gc = traceGc && best.pause !== undefined ? `, scavenges: ${best.pause.toFixed(2)} ms average pause, ${best.growth.toFixed(1)} MB median old-generation growth each` : '';
    console.log(`${variant}: ${best.cpuPerRequest.toFixed(1)} µs CPU per request (least of ${runs}), ${Math.round(best.perSecond)} requests/s${gc}`);
  }
}
