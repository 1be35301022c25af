/**
 * A key of the authorization server's state: `<prefix>oauth:<what>:<part>:<part>...`, every part URI-encoded so
 * that parts cannot run together (`a:b` + `c` is not `a` + `b:c`).
 */
export function oauthKey(prefix: string, what: string, ...parts: string[]): string {
  return `${prefix}oauth:${what}:${parts.map(encodeURIComponent).join(':')}`;
}

/**
 * A TTL in seconds as the milliseconds of Redis' `PX` / `PEXPIRE`, as a string: at least 1 (0 or negative: gone at
 * once, NaN too), at most 2^53 - 1 (a longer one, or Infinity, would overflow Redis' integer expiry; that is still
 * more than 285,000 years). A string, because a Lua number handed to `redis.call` is formatted first, and a large
 * one comes out as `1e+18`, which Redis refuses as not an integer.
 */
export function ttlMilliseconds(ttlSeconds: number): string {
  const ms = Math.ceil(ttlSeconds * 1000);
  return String(Number.isNaN(ms) ? 1 : Math.min(Math.max(1, ms), Number.MAX_SAFE_INTEGER));
}
