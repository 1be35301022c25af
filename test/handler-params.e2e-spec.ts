import { Injectable, Scope, UsePipes, type ArgumentMetadata, type INestApplication, type PipeTransform } from '@nestjs/common';
import { McpContext, McpModule, McpTool, getHttpRequest } from '@nestmcp/core';
import { createMcpClient } from '@nestmcp/core/testing';
import { z } from 'zod';
import { startApp } from './fixtures/app.js';

/**
 * A tool method without parameter decorators gets (args, ctx, HTTP request); when no pipe applies to it, Nest's
 * pipes step is left out (nothing to run), and it must get exactly the same; when a pipe applies to it by its
 * class or its method (no global pipe in this app), the pipe still runs on its arguments.
 */
@Injectable()
class MarkPipe implements PipeTransform {
  static readonly seen: string[] = [];
  transform(value: unknown, metadata: ArgumentMetadata) {
    MarkPipe.seen.push(metadata.type);
    return metadata.type === 'body' && value && typeof value === 'object' ? { ...value, piped: true } : value;
  }
}

@Injectable({ scope: Scope.TRANSIENT })
class TransientMarkPipe extends MarkPipe {}

@Injectable()
class PlainTools {
  @McpTool({ description: 'What a method without decorators or pipes receives', input: z.object({ n: z.number() }) })
  plain(args: Record<string, unknown>, ctx: unknown, request: unknown) {
    return { args, ctxIsContext: ctx instanceof McpContext, sameRequest: request === getHttpRequest() && request !== undefined };
  }

  @UsePipes(MarkPipe)
  @McpTool({ description: 'A method with a pipe of its own', input: z.object({ n: z.number() }) })
  methodPiped(args: Record<string, unknown>) {
    return args;
  }
}

@UsePipes(TransientMarkPipe)
@Injectable()
class PipedTools {
  @McpTool({ description: 'A method whose class has a (transient) pipe', input: z.object({ n: z.number() }) })
  classPiped(args: Record<string, unknown>) {
    return args;
  }
}

describe('the parameters of MCP handler methods', () => {
  let app: INestApplication;
  beforeAll(async () => {
    ({ app } = await startApp({
      imports: [McpModule.forRoot({ name: 'params', version: '1.0.0', transports: { streamableHttp: {} } })],
      providers: [PlainTools, PipedTools, MarkPipe, TransientMarkPipe],
    }));
  });
  afterAll(() => app.close());

  const call = async (name: string) => {
    const client = await createMcpClient(app);
    const result = await client.callTool({ name, arguments: { n: 1 } });
    await client.close();
    return result.structuredContent ?? JSON.parse((result.content as { text: string }[])[0].text);
  };

  it('gives a method without decorators or pipes its arguments, its McpContext and the HTTP request', async () => {
    expect(await call('plain')).toEqual({ args: { n: 1 }, ctxIsContext: true, sameRequest: true });
  });

  it('runs a pipe of the method, and one of the class (transient), on the arguments', async () => {
    MarkPipe.seen.length = 0;
    expect(await call('methodPiped')).toEqual({ n: 1, piped: true });
    expect(await call('classPiped')).toEqual({ n: 1, piped: true });
    expect(MarkPipe.seen).toEqual(['body', 'custom', 'custom', 'body', 'custom', 'custom']);
  });
});
