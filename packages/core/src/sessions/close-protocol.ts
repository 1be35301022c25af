/** What closing a connection's protocol needs: the SDK Server (`close`) and its transport's pending requests. */
export interface McpClosableProtocol {
  close(): Promise<void>;
}

/**
 * Closes the SDK Server of a connection. The SDK's close always builds a "Connection closed" McpError for the
 * server-to-client requests still waiting, capturing a stack trace even when none is: a noticeable part of
 * ending a session (DELETE). When nothing is in flight on the transport, no handler or waiting request can
 * see that error, so it is built without a stack. Otherwise the close is the SDK's, untouched.
 */
export function closeProtocol(server: McpClosableProtocol, transport: { readonly pendingRequests: number }): Promise<void> {
  if (transport.pendingRequests > 0) return server.close();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // The SDK's close runs synchronously up to building the error; the limit is restored before anything else runs.
    return server.close();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
