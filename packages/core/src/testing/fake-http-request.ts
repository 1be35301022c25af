import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/** The fake HTTP request of one in-memory message, as the channel takes it (an `McpChannelExchange`). */
export interface FakeHttpExchange {
  readonly request: IncomingMessage & Record<string, unknown>;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** What a fake request is made of: the test's headers and token, and the path it pretends to be posted to. */
export interface FakeHttpRequestInit {
  readonly headers?: Record<string, string>;
  readonly token?: string;
  readonly path: string;
}

/**
 * A fresh Node `IncomingMessage` for each in-memory message (as each HTTP POST is a request of its own, so
 * request-scoped providers get one instance per message), with the test's headers lower-cased, `authorization`
 * from `token`, and what Express-style guards read (`req.get()`, `req.header()`, `protocol`, `hostname`, `ip`).
 * Its body is never read: the channel hands the message over as it is. The response is a Node `ServerResponse`
 * that is never written to the network; guards may set headers on it (the challenge of a refusal is read there).
 */
export function fakeHttpExchange(init: FakeHttpRequestInit): FakeHttpExchange {
  const socket = new Socket();
  const req = new IncomingMessage(socket) as IncomingMessage & Record<string, unknown>;
  const headers: Record<string, string> = { host: '127.0.0.1', 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  req.headers = headers;
  req.method = 'POST';
  req.url = init.path;
  const header = (name: string) => headers[name.toLowerCase()];
  Object.assign(req, {
    originalUrl: init.path,
    path: init.path,
    protocol: 'http',
    hostname: headers.host.split(':')[0],
    ip: '127.0.0.1',
    query: {},
    params: {},
    get: header,
    header,
  });
  const res = new ServerResponse(req);
  return { request: req, req, res };
}
