import { detachedTimeout } from './detached-timer.js';
import { LinkedList, type Linked } from './linked-list.js';

/** An item that can wait in a `DelayGroup`: the group links the item itself (no entry allocated per wait). */
export interface Delayed extends Linked {
  /** When it falls due (ms since the epoch); set by the group. */
  dueAt?: number;
}

/**
 * Things that each become due the same time after they are added (an SSE keep-alive that starts when an answer
 * has not come after `ms`), on one timer for all of them rather than a timer made and cleared for each: with
 * one delay, the order they were added in is the order they fall due, so a check stops at the first one not due.
 * The timer exists only while something waits, never keeps the process alive, and holds no request's context.
 * The waiting items are a linked list (a Map of a handful of requests in flight reallocated its table as they came
 * and went).
 */
export class DelayGroup<T extends Delayed> {
  private readonly due = new LinkedList<T>();
  private timer?: NodeJS.Timeout;

  constructor(
    readonly ms: number,
    private readonly fire: (item: T) => void,
  ) {}

  /** Waits `ms` for `item` (again from now, if it was waiting already). */
  add(item: T): void {
    item.dueAt = Date.now() + this.ms;
    this.due.add(item);
    if (!this.timer) this.arm(this.ms);
  }

  /** Stops waiting for `item`. */
  delete(item: T): void {
    this.due.remove(item);
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
    for (const item of this.due) {
      const at = item.dueAt ?? 0;
      if (at > now) return this.arm(at - now);
      this.due.remove(item);
      this.fire(item);
    }
  }
}

const groups = new Map<string, DelayGroup<Delayed>>();

/** The process-wide group for one delay and one kind of item (`kind` names the caller, e.g. `keep-alive`). */
export function sharedDelayGroup<T extends Delayed>(kind: string, ms: number, fire: (item: T) => void): DelayGroup<T> {
  const key = `${kind} ${ms}`;
  let group = groups.get(key) as DelayGroup<T> | undefined;
  if (!group) {
    group = new DelayGroup(ms, fire);
    groups.set(key, group as unknown as DelayGroup<Delayed>);
  }
  return group;
}
