import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { ServerCommand, ServerConfig, ServerReply } from './servers/server-config.js';

/**
 * A benchmark server process (forked by the orchestrator with --expose-gc): starts the server named by its
 * config (raw SDK, ours on express, ours on Fastify), reports its port over IPC, answers memory probes (after a
 * full GC) and CPU-profile requests until told to stop.
 *
 * profile-start / profile-stop run V8's CPU profiler (the one `node --cpu-prof` runs) through the inspector, so a
 * profile covers exactly the load the orchestrator put on the server, without the process's start-up; the reply
 * carries the process's CPU time over the same span (process.cpuUsage: the profile's sample intervals are wall
 * time, which on a busy machine includes time the process waited for a core).
 */
const config = JSON.parse(process.argv[2]) as ServerConfig;
const reply = (message: ServerReply) => process.send!(message);

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
}

let session: Session | undefined;
let cpuAtStart: NodeJS.CpuUsage | undefined;

async function profile(command: ServerCommand): Promise<void> {
  if (command.cmd === 'profile-start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    cpuAtStart = process.cpuUsage();
    reply({ profiling: true });
  } else if (command.cmd === 'profile-stop' && session) {
    const cpu = process.cpuUsage(cpuAtStart);
    const { profile: taken } = await session.post('Profiler.stop');
    session.disconnect();
    session = undefined;
    writeFileSync(command.file, JSON.stringify(taken));
    reply({ profiled: command.file, cpuUs: cpu.user + cpu.system });
  }
}

async function main(): Promise<void> {
  const { startRawServer } = await import('./servers/raw-server.js');
  const { startNestServer } = await import('./servers/nest-server.js');
  const server = config.impl === 'raw' ? await startRawServer(config) : await startNestServer(config);
  process.on('message', async (command: ServerCommand) => {
    try {
      if (command.cmd === 'mem') {
        collect();
        await new Promise((resolve) => setImmediate(resolve));
        collect();
        const { heapUsed, rss } = process.memoryUsage();
        reply({ mem: { heapUsed, rss } });
      } else if (command.cmd === 'stop') {
        await server.close();
        process.exit(0);
      } else {
        await profile(command);
      }
    } catch (error) {
      reply({ error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ port: server.port });
}

main().catch((error: unknown) => {
  reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
