import type { DynamicModule, INestApplicationContext, LoggerService, LogLevel, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { Readable, Writable } from 'node:stream';
import { McpMessages } from '../mcp.messages.js';
import { McpChannels, type McpChannelConnection } from '../endpoint/mcp-channels.js';
import { McpStderrLogger } from './stderr-logger.js';
import { StdioFraming } from './stdio-framing.js';

export interface McpStdioOptions {
  /** The server to serve, by its `McpModule.forRoot({ name })`; needed when several have `transports.stdio`. */
  server?: string;
  /** Nest's logger. Default: `McpStderrLogger` (Nest's console logger, on stderr). `false`: no logs. */
  logger?: LoggerService | LogLevel[] | false;
  /**
   * Send `console.log()`, `console.info()` and `console.debug()` to stderr too, so a stray log in a tool cannot
   * corrupt the JSON-RPC on stdout. Default `true` when serving the process's own stdin/stdout.
   */
  redirectConsole?: boolean;
  /** Where messages come from. Default `process.stdin`. */
  input?: Readable;
  /** Where messages go. Default `process.stdout`. */
  output?: Writable;
  /** End the process once the server has closed (stdin ended, SIGTERM, SIGINT). Default `true` for process.stdin. */
  exitOnClose?: boolean;
}

/** A running stdio server: the application context, and how it ends. */
export interface McpStdioServer {
  readonly app: INestApplicationContext;
  /** Settles once the server has closed (stdin ended, a signal, or `close()`). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

function stdioServerOf(app: INestApplicationContext, name: string | undefined): McpChannels {
  const servers: McpChannels[] = [];
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    const instance = module.providers.get(McpChannels)?.instance;
    if (instance instanceof McpChannels && !servers.includes(instance)) servers.push(instance);
  }
  const candidates = name === undefined ? servers.filter((server) => server.servesStdio) : servers.filter((server) => server.serverName === name);
  if (candidates.length === 1) return candidates[0];
  const names = servers.map((server) => server.serverName);
  if (name !== undefined) throw new Error(McpMessages.stdioUnknownServer(name, names));
  throw new Error(candidates.length === 0 ? McpMessages.stdioNoServer(names) : McpMessages.stdioAmbiguous(candidates.map((server) => server.serverName)));
}

function redirectConsoleToStderr(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/**
 * Serves an MCP server of a Nest app over stdio (MCP basic/transports), for clients that start it as a command
 * (Claude Desktop, Cursor, VS Code, Claude Code): a standalone application context (no HTTP server), Nest's logs on
 * stderr, newline-delimited JSON-RPC on stdin/stdout. It ends cleanly when stdin ends (the client went away) and
 * on SIGTERM or SIGINT: in-flight requests are drained as on HTTP, then the app closes (`onModuleDestroy` & co.).
 *
 * ```ts
 * // main-stdio.ts
 * await McpStdio.serve(AppModule);   // the server with transports: { stdio: true }
 * ```
 *
 * Messages run through the same dispatcher and Nest pipeline as over HTTP (handler guards, interceptors, pipes,
 * filters); there is no HTTP request: `getHttpRequest()` throws, `getHttpHeaders()` is `{}`, and per-item scopes are
 * not checked (docs/stdio.md).
 */
export class McpStdio {
  static async serve(module: Type<unknown> | DynamicModule, options: McpStdioOptions = {}): Promise<McpStdioServer> {
    const input = options.input ?? process.stdin;
    const output = options.output ?? process.stdout;
    const ownsProcess = input === process.stdin;
    if (options.redirectConsole ?? output === process.stdout) redirectConsoleToStderr();
    const logger = options.logger === undefined ? new McpStderrLogger() : options.logger;
    const app = await NestFactory.createApplicationContext(module, { logger });
    const server = stdioServerOf(app, options.server);

    // Lines are read once the connection exists; what the server sends goes out through the framing made below.
    const connection: McpChannelConnection = server.connect({ kind: 'stdio', output: (message) => framing.write(message) });
    let closing: Promise<void> | undefined;
    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const onSignal = () => void close();
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        await connection.close();
        await app.close();
        if (ownsProcess) input.destroy();
        resolveClosed();
        if (options.exitOnClose ?? ownsProcess) process.exit(process.exitCode ?? 0);
      })());

    const framing = new StdioFraming(input, output, server.resolved.limits.maxBodyBytes, {
      message: (value) => connection.receive(value),
      invalid: (error) => framing.write(error),
      end: () => void close(),
    });
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    return { app, closed, close };
  }
}
