import { detachedTimeout } from './detached-timer.js';

/**
 * Things that each become due the same time after they are added (an SSE keep-alive that starts when an answer
 * has not come after `ms`), on one timer for all of them rather than a timer made and cleared for each: with
 * one delay, the order they were added in is the order they fall due, so a check stops at the first one not due.
 * The timer exists only while something waits, never keeps the process alive, and holds no request's context.
 */
export class DelayGroup<T> {
  private readonly due = new Map<T, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly fire: (item: T) => void,
  ) {}

  /** Waits `ms` for `item` (again from now, if it was waiting already). */
  add(item: T): void {
    this.due.delete(item);
    this.due.set(item, Date.now() + this.ms);
    if (!this.timer) this.arm(this.ms);
  }

  /** Stops waiting for `item`. */
  delete(item: T): void {
    this.due.delete(item);
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
    for (const [item, at] of this.due) {
      if (at > now) return this.arm(at - now);
      this.due.delete(item);
      this.fire(item);
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
