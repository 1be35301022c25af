import type { CallToolResult, CompleteResult, GetPromptResult, ReadResourceResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpTestingMessages } from './mcp-testing.messages.js';

/** What the helpers use of a connected client: the official SDK `Client`, of either line (v1 for 2025, v2 for 2026). */
export interface McpClientLike {
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
  listTools(params?: { cursor?: string }): Promise<unknown>;
  readResource(params: { uri: string }): Promise<unknown>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<unknown>;
  complete(params: { ref: CompletionRef; argument: { name: string; value: string }; context?: { arguments?: Record<string, string> } }): Promise<unknown>;
  close(): Promise<void>;
}

/** What `complete()` completes: an argument of a prompt, or a variable of a resource template. */
export type CompletionRef = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };

/** A tool call the tool answered with `isError: true`: the message is the tool's error text; `result` is all of it. */
export class McpToolCallError extends Error {
  constructor(
    readonly tool: string,
    readonly result: CallToolResult,
  ) {
    const text = result.content
      .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
      .map((part) => part.text)
      .join('\n');
    super(McpTestingMessages.toolError(tool, text));
    this.name = 'McpToolCallError';
  }
}

/** The text parts of a tool result, joined with newlines; `undefined` when it has none. */
function textOf(result: CallToolResult): string | undefined {
  const texts = result.content.filter((part) => part.type === 'text').map((part) => (part as { text: string }).text);
  return texts.length ? texts.join('\n') : undefined;
}

/**
 * The helpers of a test client, the same whatever the transport and revision: each is one call of the connected
 * SDK client, with the result in the form a test asserts on.
 */
export class McpTestHelpers<TClient extends McpClientLike = McpClientLike> {
  constructor(
    /** The connected official SDK client, for anything the helpers do not cover. */
    readonly client: TClient,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  /**
   * Calls a tool. Resolves to its structured content, else its text (the text parts joined with newlines), else its
   * content; rejects with an `McpToolCallError` carrying the tool's error text when the result has `isError`, and
   * with the SDK's error for a protocol error (unknown tool: -32602, refused: -32600, ...).
   */
  async callTool<T = unknown>(name: string, args: Record<string, unknown> = {}): Promise<T> {
    const result = (await this.client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new McpToolCallError(name, result);
    return (result.structuredContent ?? textOf(result) ?? result.content) as T;
  }

  /** The full result of a tool call, `isError` included (nothing is thrown for a tool error). */
  async callToolResult(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    return (await this.client.callTool({ name, arguments: args })) as CallToolResult;
  }

  /** Every tool the caller may use (all pages). */
  async listTools(): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = (await this.client.listTools(cursor === undefined ? undefined : { cursor })) as { tools: Tool[]; nextCursor?: string };
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  }

  /** Reads a resource: its `contents` (and, on 2026-07-28, its caching hint). */
  async readResource(uri: string): Promise<ReadResourceResult> {
    return (await this.client.readResource({ uri })) as ReadResourceResult;
  }

  /** Gets a prompt: its `messages` and `description`. */
  async getPrompt(name: string, args: Record<string, string> = {}): Promise<GetPromptResult> {
    return (await this.client.getPrompt({ name, arguments: args })) as GetPromptResult;
  }

  /** Completes an argument of a prompt or a variable of a resource template: `{ values, total, hasMore }`. */
  async complete(ref: CompletionRef, argument: { name: string; value: string }, context?: Record<string, string>): Promise<CompleteResult['completion']> {
    const result = (await this.client.complete({ ref, argument, ...(context && { context: { arguments: context } }) })) as CompleteResult;
    return result.completion;
  }

  /** Closes the client and its connection (the in-memory channel's session ends with it). The app stays up. */
  async close(): Promise<void> {
    await this.client.close();
    await this.onClose();
  }
}
