/** What a `LinkedList` member carries: its links (on the member, so adding and removing allocate nothing). */
export interface Linked {
  prev?: Linked;
  next?: Linked;
  list?: LinkedList<Linked>;
}

/** A member of one `LinkedList` at a time. */
export class ListNode implements Linked {
  prev?: Linked;
  next?: Linked;
  list?: LinkedList<Linked>;

  /** Takes the node out of the list it is in (nothing if none). */
  unlink(): void {
    this.list?.remove(this);
  }
}

/**
 * Members that come and go all the time (one per request in flight), kept in the order they were added. A Map or
 * Set of them grows and shrinks its table as a handful of requests come and go, allocating a new table each time;
 * a list links its members instead.
 */
export class LinkedList<N extends Linked> {
  private head?: N;
  private tail?: N;
  size = 0;

  add(node: N): void {
    if (node.list) node.list.remove(node);
    node.list = this as LinkedList<Linked>;
    node.prev = this.tail;
    node.next = undefined;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.size++;
  }

  remove(node: N): void {
    if (node.list !== (this as LinkedList<Linked>)) return;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next as N | undefined;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev as N | undefined;
    node.prev = node.next = node.list = undefined;
    this.size--;
  }

  first(): N | undefined {
    return this.head;
  }

  /** The members in order; one may be removed while it is visited. */
  *[Symbol.iterator](): IterableIterator<N> {
    let node = this.head;
    while (node) {
      const next = node.next as N | undefined;
      yield node;
      node = next;
    }
  }
}
