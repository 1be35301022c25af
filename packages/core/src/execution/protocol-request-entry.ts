import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { JSONRPCRequest, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';

/** Hands one JSON-RPC request to a connected protocol, as its transport's `onmessage` would. */
export type McpProtocolRequestEntry = (request: JSONRPCRequest, extra?: MessageExtraInfo) => void;

interface ProtocolInternals {
  _onrequest?: (request: JSONRPCRequest, extra?: MessageExtraInfo) => void;
}

/**
 * Where a request that our transports have already checked enters the SDK's `Protocol`. The `onmessage` the SDK
 * installs on a transport classifies every message with up to three zod `safeParse` calls (result response? error
 * response? request?), two of which fail and build zod issues for every request, and then calls its request
 * handler (`_onrequest`: correlation, abort controller, the handler, the answer). A request handed here has already
 * been checked as one the SDK accepts (`checkJsonRpcBody`: the common shape, or the SDK's own request schema), so
 * it goes straight to that handler. `undefined` when the SDK has no such handler (another SDK version): the
 * transport then uses `onmessage`, as before.
 */
export function protocolRequestEntry(server: Server): McpProtocolRequestEntry | undefined {
  const onrequest = (server as unknown as ProtocolInternals)._onrequest;
  if (typeof onrequest !== 'function' || onrequest.length !== 2) return undefined;
  return (request, extra) => onrequest.call(server, request, extra);
}
