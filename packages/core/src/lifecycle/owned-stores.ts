/**
 * The stores the server made itself (the in-memory defaults), which `McpLifecycle` closes on shutdown. Stores given
 * in the `stores` option are the caller's: the server does not close them (one may serve several servers).
 */
export class OwnedStores {
  readonly list: { close?(): unknown }[] = [];

  /** `given`, or a default made by `make` and remembered for closing. */
  own<T extends object>(given: T | undefined, make: () => T): T {
    if (given) return given;
    const made = make();
    this.list.push(made as { close?(): unknown });
    return made;
  }
}
