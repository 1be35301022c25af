/** The revisions the 2026-07-28 path serves. */
export const REV_2026_PROTOCOL_VERSIONS: readonly string[] = ['2026-07-28'];

/** A 2026-07-28 JSON-RPC request or notification as it arrived (plain JSON). */
export interface Rev2026Message {
  jsonrpc: '2.0';
  id?: string | number;
  method: string;
  params?: Record<string, unknown>;
}
