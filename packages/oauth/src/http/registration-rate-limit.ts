/**
 * A fixed-window counter per client address for dynamic client registration (RFC 7591 leaves abuse protection to
 * the server). Written here: the registration endpoint is oidc-provider's, served outside Nest's router, so
 * @nestjs/throttler's guard cannot wrap it; what is needed is one counter per address and window.
 */
export class RegistrationRateLimit {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one registration from `address`; false when it is over the limit (the caller answers 429). */
  take(address: string): boolean {
    const now = Date.now();
    if (this.windows.size > 10_000) for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    const window = this.windows.get(address);
    if (!window || window.resetAt <= now) {
      this.windows.set(address, { count: 1, resetAt: now + this.windowMs });
      return true;
    }
    return ++window.count <= this.max;
  }

  /** Seconds until `address` may register again. */
  retryAfter(address: string): number {
    const window = this.windows.get(address);
    return window ? Math.max(1, Math.ceil((window.resetAt - Date.now()) / 1000)) : 1;
  }
}
