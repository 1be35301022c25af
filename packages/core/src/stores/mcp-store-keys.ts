/**
 * Keys and channels of one server in the stores and on the bus: every one starts with the server's namespace,
 * so servers of one app (or of several apps) can share a store without meeting.
 */
export class McpStoreKeys {
  private readonly prefix: string;

  constructor(serverName: string) {
    this.prefix = `${encodeURIComponent(serverName)}:`;
  }

  session(id: string): string {
    return `${this.prefix}session:${id}`;
  }

  /** Channel of registry changes (list_changed, resource_updated) for every process of the server. */
  get broadcast(): string {
    return `${this.prefix}broadcast`;
  }

  /** Channel of messages for one session's connection, wherever it is held. */
  sessionChannel(id: string): string {
    return `${this.prefix}to-session:${id}`;
  }

  requestState(nonce: string): string {
    return `${this.prefix}request-state:${nonce}`;
  }
}
