import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startNginx, type RunningNginx } from './fixtures/redis/nginx.js';
import { RedisTestServer } from './fixtures/redis/redis-server.js';
import { startSampleReplica, type SampleReplica } from './fixtures/redis/sample-replicas.js';

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

// The deployment docs/scaling.md shows: two sample replicas on Redis behind nginx, with the docs' config file.
describe('docs/scaling.md: two replicas behind nginx (round robin, no sticky sessions)', () => {
  let redis: RedisTestServer;
  let replicas: SampleReplica[];
  let nginx: RunningNginx;

  beforeAll(async () => {
    redis = await RedisTestServer.start();
    replicas = await Promise.all(['A', 'B'].map((name) => startSampleReplica(name, redis.url)));
    nginx = await startNginx(replicas.map((replica) => new URL(replica.base).host));
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all((replicas ?? []).map((replica) => replica.kill()));
    await redis?.close();
  });

  it('is the config docs/scaling.md shows', () => {
    const config = readFileSync('docs/scaling/nginx.conf', 'utf8');
    const block = config.slice(config.indexOf('  upstream mcp_replicas {'), config.lastIndexOf('\n}')).trimEnd();
    const dedented = block.split('\n').map((line) => line.replace(/^ {2}/, '')).join('\n');
    expect(readFileSync('docs/scaling.md', 'utf8')).toContain(dedented);
  });

  it('serves one session from both replicas through nginx, and carries on when one of them dies', async () => {
    const client = new Client({ name: 'through-nginx', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', nginx.base)));
    const title = `via nginx ${randomUUID().slice(0, 4)}`;
    await client.callTool({ name: 'create_note', arguments: { title, body: '-' } });
    for (let i = 0; i < 4; i++) expect(text(await client.callTool({ name: 'search_notes', arguments: { query: title } }))).toContain(title);
    // nginx sent the session's POSTs to both replicas.
    const upstreams = new Set(nginx.accessLog().split('\n').filter((line) => line.startsWith('POST /mcp 200')).map((line) => line.split(' ').at(-1)));
    expect(upstreams).toEqual(new Set(replicas.map((replica) => new URL(replica.base).host)));

    await replicas[0].kill();
    for (let i = 0; i < 3; i++) expect(text(await client.callTool({ name: 'search_notes', arguments: { query: title } }))).toContain(title);
    await client.close();
  });
});
