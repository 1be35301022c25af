import { detachedTimeout } from './detached-timer.js';
import { LinkedList, ListNode } from './linked-list.js';

/** One item waiting in a `DelayGroup`; `cancel()` stops the wait. */
export class DelayEntry<T> extends ListNode {
  constructor(
    readonly item: T,
    readonly at: number,
  ) {
    super();
  }

  cancel(): void {
    this.unlink();
  }
}

/**
 * Things that each become due the same time after they are added (an SSE keep-alive that starts when an answer
 * has not come after `ms`), on one timer for all of them rather than a timer made and cleared for each: with
 * one delay, the order they were added in is the order they fall due, so a check stops at the first one not due.
 * The timer exists only while something waits, never keeps the process alive, and holds no request's context.
 * The waiting items are a linked list (a Map of a handful of requests in flight reallocated its table as they came
 * and went).
 */
export class DelayGroup<T> {
  private readonly due = new LinkedList<DelayEntry<T>>();
  private timer?: NodeJS.Timeout;

  constructor(
    readonly ms: number,
    private readonly fire: (item: T) => void,
  ) {}

  /** Waits `ms` for `item`; the entry returned cancels the wait. */
  add(item: T): DelayEntry<T> {
    const entry = new DelayEntry(item, Date.now() + this.ms);
    this.due.add(entry);
    if (!this.timer) this.arm(this.ms);
    return entry;
  }

  get size(): number {
    return this.due.size;
  }

  private arm(ms: number): void {
    this.timer = detachedTimeout(() => this.check(), Math.max(1, ms));
  }

  private check(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const entry of this.due) {
      if (entry.at > now) return this.arm(entry.at - now);
      entry.cancel();
      this.fire(entry.item);
    }
  }
}

const groups = new Map<string, DelayGroup<unknown>>();

/** The process-wide group for one delay and one kind of item (`kind` names the caller, e.g. `keep-alive`). */
export function sharedDelayGroup<T>(kind: string, ms: number, fire: (item: T) => void): DelayGroup<T> {
  const key = `${kind} ${ms}`;
  let group = groups.get(key) as DelayGroup<T> | undefined;
  if (!group) {
    group = new DelayGroup(ms, fire);
    groups.set(key, group as DelayGroup<unknown>);
  }
  return group;
}
