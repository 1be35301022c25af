import { Client } from 'undici';

/** The protocol revision the load generator speaks (both servers support it). */
export const PROTOCOL_VERSION = '2025-11-25';

export interface WireResponse {
  status: number;
  contentType: string;
  sessionId?: string;
  text: string;
}

/** The JSON-RPC message in a response that answers `id`: the JSON body, or the SSE `data:` frame carrying it. */
export function findAnswer(response: WireResponse, id: number): Record<string, unknown> | undefined {
  if (response.contentType.startsWith('text/event-stream')) {
    for (const line of response.text.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const message = JSON.parse(line.slice(5)) as Record<string, unknown>;
      if (message.id === id) return message;
    }
    return undefined;
  }
  if (!response.contentType.startsWith('application/json')) return undefined;
  const message = JSON.parse(response.text) as Record<string, unknown>;
  return message.id === id ? message : undefined;
}

/**
 * One keep-alive HTTP connection to an MCP endpoint (an undici Client is exactly one socket), speaking raw
 * Streamable HTTP so the benchmark measures the server, not a client SDK.
 */
export class McpWire {
  private readonly client: Client;

  constructor(origin: string, private readonly path = '/mcp') {
    this.client = new Client(origin, { pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000, keepAliveTimeout: 60_000 });
  }

  async post(body: unknown, sessionId?: string, protocolVersion = true): Promise<WireResponse> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (sessionId) headers['mcp-session-id'] = sessionId;
    if (protocolVersion) headers['mcp-protocol-version'] = PROTOCOL_VERSION;
    return this.send('POST', headers, JSON.stringify(body));
  }

  async delete(sessionId: string): Promise<WireResponse> {
    return this.send('DELETE', { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION });
  }

  /** initialize + notifications/initialized; returns the session id (undefined from a stateless server). */
  async handshake(id: number): Promise<{ sessionId?: string; error?: string }> {
    const init = await this.post(
      {
        jsonrpc: '2.0',
        id,
        method: 'initialize',
        params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'bench-load', version: '1.0.0' } },
      },
      undefined,
      false,
    );
    const answer = init.status === 200 ? findAnswer(init, id) : undefined;
    const result = answer?.result as { serverInfo?: { name?: string } } | undefined;
    if (result?.serverInfo?.name !== 'bench') return { error: `initialize: HTTP ${init.status} ${init.text.slice(0, 200)}` };
    const notified = await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' }, init.sessionId);
    if (notified.status !== 202) return { error: `notifications/initialized: HTTP ${notified.status}` };
    return { sessionId: init.sessionId };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async send(method: 'POST' | 'DELETE', headers: Record<string, string>, body?: string): Promise<WireResponse> {
    const response = await this.client.request({ path: this.path, method, headers, body });
    const text = await response.body.text();
    const sessionId = response.headers['mcp-session-id'];
    const contentType = response.headers['content-type'];
    return {
      status: response.statusCode,
      contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '',
      sessionId: Array.isArray(sessionId) ? sessionId[0] : sessionId,
      text,
    };
  }
}
