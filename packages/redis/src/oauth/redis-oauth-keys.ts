/**
 * A key of the authorization server's state: `<prefix>oauth:<what>:<part>:<part>...`, every part URI-encoded so
 * that parts cannot run together (`a:b` + `c` is not `a` + `b:c`).
 */
export function oauthKey(prefix: string, what: string, ...parts: string[]): string {
  return `${prefix}oauth:${what}:${parts.map(encodeURIComponent).join(':')}`;
}
