import { readFileSync } from 'node:fs';

/**
 * Splits a server's CPU profile by layer, from the file each sampled function lives in (self time, so every
 * sample counts once): where a tools/call's time goes. The layers, top of the stack first, are the ones a request
 * crosses on its way to the tool.
 */
export const LAYERS = [
  'HTTP and router (node:http/net/stream, express or fastify and their helpers)',
  'our transport (@nestmcp/core: endpoint, transports, http, sessions, context, auth, lifecycle)',
  'our dispatch (@nestmcp/core: execution, operations, registry, schema)',
  'SDK (@modelcontextprotocol/*, its ajv, and @hono/node-server, the raw SDK HTTP bridge)',
  'zod',
  'Nest pipeline (@nestjs/*, rxjs, reflect-metadata)',
  'tool and app code (bench/dist/servers)',
  'Node runtime (promises, async hooks, timers, queues)',
  'garbage collection',
  'native code outside JS functions ((program): socket I/O, V8 internals)',
  'other',
] as const;
export type Layer = (typeof LAYERS)[number];

const [HTTP, TRANSPORT, DISPATCH, SDK, ZOD, NEST, TOOL, RUNTIME, GC, NATIVE, OTHER] = LAYERS;

const HTTP_PACKAGES = new Set([
  'express', 'router', 'body-parser', 'raw-body', 'parseurl', 'on-finished', 'finalhandler', 'send', 'serve-static', 'qs',
  'content-type', 'type-is', 'media-typer', 'mime-types', 'iconv-lite', 'depd', 'encodeurl', 'escape-html', 'etag', 'fresh',
  'vary', 'accepts', 'negotiator', 'cookie', 'cookie-signature', 'proxy-addr', 'forwarded', 'range-parser', 'statuses',
  'http-errors', 'ee-first', 'unpipe', 'destroy', 'bytes', 'path-to-regexp', 'merge-descriptors', 'content-disposition',
  'cors', 'object-assign', 'utils-merge', 'setprototypeof', 'inherits', 'toidentifier', 'safe-buffer', 'safer-buffer',
  'fastify', 'find-my-way', 'avvio', 'light-my-request', 'fast-json-stringify', 'secure-json-parse', 'abstract-logging',
  'pino', 'process-warning', 'rfdc', 'toad-cache', 'fast-querystring', 'fast-decode-uri-component', 'ret', 'safe-regex2',
  'fastq', 'reusify', 'fast-uri', 'json-schema-ref-resolver', 'middie', 'forwarded-parse', 'ipaddr.js', 'semver',
]);
/** What the SDK brings along: its JSON Schema validator and its node ↔ web Request bridge. */
const SDK_PACKAGES = new Set(['ajv', 'ajv-formats', 'json-schema-traverse', 'fast-deep-equal', '@hono/node-server', 'hono', 'pkce-challenge', 'eventsource-parser']);
const TRANSPORT_FOLDERS = new Set(['endpoint', 'transports', 'http', 'sessions', 'context', 'auth', 'lifecycle', 'rev-2026-07-28', 'health', 'stores']);
const RUNTIME_FILES = /^node:(internal\/process\/|internal\/async_hooks|async_hooks|internal\/async_local_storage|internal\/timers|timers|internal\/promise_hooks|internal\/abort_controller|internal\/event_target)/;

/** The package a node_modules path belongs to ("@scope/name" or "name"). */
function packageOf(url: string): string | undefined {
  const at = url.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const parts = url.slice(at + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

export function layerOf(functionName: string, url: string): Layer {
  if (functionName === '(garbage collector)') return GC;
  if (functionName === '(program)') return NATIVE;
  if (!url) return NATIVE;
  if (url.startsWith('node:')) return RUNTIME_FILES.test(url) ? RUNTIME : HTTP;
  const core = url.indexOf('/packages/core/dist/');
  if (core >= 0) {
    const folder = url.slice(core + '/packages/core/dist/'.length).split('/')[0];
    return TRANSPORT_FOLDERS.has(folder) ? TRANSPORT : DISPATCH;
  }
  if (url.includes('/bench/dist/servers/') || url.includes('/bench/peers/')) return TOOL;
  const pkg = packageOf(url);
  if (!pkg) return OTHER;
  if (pkg === '@nestmcp/core') return DISPATCH;
  if (pkg.startsWith('@modelcontextprotocol/') || SDK_PACKAGES.has(pkg)) return SDK;
  if (pkg === 'zod' || pkg === 'zod-to-json-schema') return ZOD;
  if (pkg.startsWith('@nestjs/') || pkg === 'rxjs' || pkg === 'reflect-metadata' || pkg === 'tslib' || pkg === 'iterare') return NEST;
  if (HTTP_PACKAGES.has(pkg) || pkg.startsWith('@fastify/')) return HTTP;
  return OTHER;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per layer in a .cpuprofile (microseconds), idle time left out. */
export function layerTimes(file: string): { busyUs: number; layers: Record<string, number> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const layerOfNode = new Map<number, Layer | undefined>();
  for (const node of profile.nodes) {
    const { functionName, url } = node.callFrame;
    layerOfNode.set(node.id, functionName === '(idle)' || functionName === '(root)' ? undefined : layerOf(functionName, url));
  }
  const layers: Record<string, number> = {};
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    // timeDeltas[i] is the time from sample i-1 to sample i: charge it to the sample it ends at.
    const delta = profile.timeDeltas[index] ?? 0;
    const layer = layerOfNode.get(id);
    if (!layer) return;
    layers[layer] = (layers[layer] ?? 0) + delta;
    busyUs += delta;
  });
  return { busyUs, layers };
}
