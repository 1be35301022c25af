import { Injectable, Module, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { McpModule, McpTool, type McpModuleOptions } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { startApp } from './fixtures/app.js';
import { initializeRequest, post } from './fixtures/http.js';

@Injectable()
class EchoTools {
  @McpTool({ description: 'echo' })
  echo() {
    return 'echo';
  }
}

@Injectable()
class SettingsService {
  readonly serverName = 'from-config';
}

@Module({ providers: [SettingsService], exports: [SettingsService] })
class SettingsModule {}

@Injectable()
class McpOptionsFactory {
  constructor(private readonly settings: SettingsService) {}
  create(): McpModuleOptions {
    return { name: this.settings.serverName, version: '9.9.9', transports: { streamableHttp: { jsonResponse: true } } };
  }
}

describe('McpModule.forRootAsync', () => {
  it('takes options from a factory with injected dependencies; routes come from the static transports', async () => {
    const { app, url } = await startApp({
      imports: [
        McpModule.forRootAsync({
          imports: [SettingsModule],
          inject: [SettingsService],
          useFactory: (settings: SettingsService) => ({ name: settings.serverName, version: '2.0.0', instructions: 'async' }),
          transports: { streamableHttp: { path: '/async/mcp' } },
        }),
      ],
      providers: [EchoTools],
    });
    const client = await createMcpClient(app, { path: '/async/mcp' });
    expect(client.getServerVersion()).toEqual({ name: 'from-config', version: '2.0.0' });
    expect(client.getInstructions()).toBe('async');
    expect((await client.callTool({ name: 'echo', arguments: {} })).content).toEqual([{ type: 'text', text: 'echo' }]);
    await client.close();
    expect((await post(url('/mcp'), initializeRequest())).status).toBe(404);
    await app.close();
  });

  it('takes options from a class (useClass), keeping transport options the factory gives', async () => {
    const { app, url } = await startApp({
      imports: [McpModule.forRootAsync({ imports: [SettingsModule], useClass: McpOptionsFactory })],
      providers: [EchoTools],
    });
    const init = await post(url('/mcp'), initializeRequest(), { accept: 'application/json' });
    expect(init.headers.get('content-type')).toBe('application/json');
    expect(init.messages[0].result.serverInfo).toEqual({ name: 'from-config', version: '9.9.9' });
    await app.close();
  });

  it('refuses a factory path that differs from the registered route', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [
        McpModule.forRootAsync({
          useFactory: () => ({ name: 'x', version: '1', transports: { streamableHttp: { path: '/other' } } }),
          transports: { streamableHttp: { path: '/mcp' } },
        }),
      ],
    });
    await expect(moduleRef.compile()).rejects.toThrow(/routes were registered at "\/mcp"/);
  });
});

describe('the MCP controller is an ordinary Nest route', () => {
  let app: INestApplication;
  let url: (path?: string) => URL;
  const seen: string[] = [];

  @Injectable()
  class RecordingGuard implements CanActivate {
    canActivate(context: ExecutionContext) {
      if (context.getType() === 'http') {
        const req = context.switchToHttp().getRequest<{ method: string; headers: Record<string, string> }>();
        seen.push(req.method);
        return req.headers['x-block'] !== 'yes';
      }
      return true;
    }
  }

  beforeAll(async () => {
    ({ app, url } = await startApp(
      { imports: [McpModule.forRoot({ name: 'prefixed', version: '1' })], providers: [EchoTools] },
      (nest) => {
        nest.setGlobalPrefix('api');
        nest.useGlobalGuards(new RecordingGuard());
      },
    ));
  });
  afterAll(() => app.close());

  it('is served under the global prefix', async () => {
    const client = await createMcpClient(app, { path: '/api/mcp' });
    expect((await client.callTool({ name: 'echo', arguments: {} })).content).toEqual([{ type: 'text', text: 'echo' }]);
    await client.close();
    expect((await post(url('/mcp'), initializeRequest())).status).toBe(404);
  });

  it('runs app-level guards, and renders their refusal as a JSON-RPC error', async () => {
    seen.length = 0;
    await post(url('/api/mcp'), initializeRequest());
    expect(seen).toContain('POST');
    const blocked = await post(url('/api/mcp'), initializeRequest(), { 'x-block': 'yes' });
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get('content-type')).toBe('application/json');
    expect(blocked.messages[0]).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000, message: expect.stringContaining('Forbidden') } });
  });
});
