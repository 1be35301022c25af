import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import sjson from 'secure-json-parse';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';

/** What the framing hands on: a parsed line (still to be checked as JSON-RPC), or the error to answer. */
export interface StdioFramingEvents {
  message(value: unknown): void;
  /** A line that is not JSON, or too long: answered with this error (id null), and the stream goes on. */
  invalid(error: JSONRPCMessage): void;
  /** stdin ended (or failed): the client is gone. */
  end(): void;
}

/**
 * Newline-delimited JSON-RPC on a pair of streams (MCP basic/transports, stdio): each message is one line of UTF-8
 * JSON, with no newline inside it. Lines are parsed with secure-json-parse, which refuses `__proto__` and
 * `constructor.prototype` keys as the HTTP body parser does; a line longer than `maxLineBytes` is dropped and
 * answered with an error, never buffered without bound. Written by hand: the SDK's `ReadBuffer` has no size limit
 * and throws on the first bad line.
 */
export class StdioFraming {
  private readonly decoder = new StringDecoder('utf8');
  private buffered = '';
  private skipping = false;
  private ended = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly maxLineBytes: number,
    private readonly events: StdioFramingEvents,
  ) {
    input.on('data', (chunk: Buffer | string) => this.push(typeof chunk === 'string' ? chunk : this.decoder.write(chunk)));
    input.once('end', () => this.finish());
    input.once('close', () => this.finish());
    input.once('error', () => this.finish());
  }

  /** Writes one message as one line. */
  write(message: JSONRPCMessage): void {
    if (!this.output.writable) return;
    this.output.write(`${JSON.stringify(message)}\n`);
  }

  private push(text: string): void {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const line = this.buffered + text.slice(start, newline);
      this.buffered = '';
      start = newline + 1;
      if (this.skipping) this.skipping = false;
      else this.line(line);
    }
    if (this.skipping) return;
    this.buffered += text.slice(start);
    if (Buffer.byteLength(this.buffered) > this.maxLineBytes) {
      this.buffered = '';
      this.skipping = true;
      this.events.invalid(this.error(McpErrorCode.InvalidRequest, McpMessages.stdioLineTooLong(this.maxLineBytes)));
    }
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = sjson.parse(line, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      return this.events.invalid(this.error(McpErrorCode.ParseError, McpMessages.stdioParseError(error instanceof Error ? error.message : String(error))));
    }
    this.events.message(value);
  }

  private error(code: number, message: string): JSONRPCMessage {
    return { jsonrpc: '2.0', id: null, error: { code, message } } as unknown as JSONRPCMessage;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.events.end();
  }
}
