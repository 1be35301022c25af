import { detachedTimeout } from '../http/detached-timer.js';

/** Something with deadlines (a transport's pending requests). */
export interface DeadlineWatcher {
  /** Handles the deadlines due at `now`; returns when the next one falls due (ms since the epoch), none: no more. */
  deadlinesDue(now: number): number | undefined;
}

/**
 * One timer for the deadlines of every transport of the process (`requestTimeoutMs`), rather than one per
 * transport: a timer (with its callback and the values it closes over) is about 250 B that an idle session would
 * hold until it fires. A transport is watched from its first pending deadline until a check finds it has none left,
 * so a request adds at most a set entry; the timer is armed for the earliest deadline any watcher reported, and
 * never keeps the process alive.
 */
export class DeadlineClock {
  private readonly watchers = new Set<DeadlineWatcher>();
  private timer?: NodeJS.Timeout;
  private dueAt = Infinity;

  /** `watcher` has a deadline at `at`: it is checked then (or earlier), until it reports none left. */
  watch(watcher: DeadlineWatcher, at: number): void {
    this.watchers.add(watcher);
    if (at < this.dueAt) this.arm(at);
  }

  /** `watcher` is gone (a closed transport). */
  unwatch(watcher: DeadlineWatcher): void {
    this.watchers.delete(watcher);
  }

  /** Transports watched (for tests). */
  get size(): number {
    return this.watchers.size;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = detachedTimeout(() => this.check(), Math.max(1, at - Date.now()));
  }

  private check(): void {
    this.timer = undefined;
    this.dueAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const watcher of this.watchers) {
      const due = watcher.deadlinesDue(now);
      if (due === undefined) this.watchers.delete(watcher);
      else next = Math.min(next, due);
    }
    if (next < this.dueAt) this.arm(next);
  }
}

/** The process's clock of request deadlines. */
export const deadlineClock = new DeadlineClock();
