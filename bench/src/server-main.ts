import type { ServerCommand, ServerConfig, ServerReply } from './servers/server-config.js';

/**
 * A benchmark server process (forked by the orchestrator with --expose-gc): starts the server named by its
 * config, reports its port over IPC, and answers memory probes (after a full GC) until told to stop.
 */
const config = JSON.parse(process.argv[2]) as ServerConfig;
const reply = (message: ServerReply) => process.send!(message);

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
}

async function main(): Promise<void> {
  const { startRawServer } = await import('./servers/raw-server.js');
  const { startNestServer } = await import('./servers/nest-server.js');
  const server = config.impl === 'raw' ? await startRawServer(config) : await startNestServer(config);
  process.on('message', async (command: ServerCommand) => {
    if (command.cmd === 'mem') {
      collect();
      await new Promise((resolve) => setImmediate(resolve));
      collect();
      const { heapUsed, rss } = process.memoryUsage();
      reply({ mem: { heapUsed, rss } });
    } else if (command.cmd === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ port: server.port });
}

main().catch((error: unknown) => {
  reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
