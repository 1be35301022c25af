import { PROTECTED_RESOURCE_METADATA_PATH } from '../mcp.constants.js';

/** A quoted-string of an auth-param (RFC 7235 §2.1). */
export function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The path-inserted well-known URL path of a resource path (RFC 9728 section 3.1): the bare one for `/`. */
export function metadataPathOf(resourcePath: string): string {
  const trimmed = resourcePath.replace(/\/+$/, '');
  return `${PROTECTED_RESOURCE_METADATA_PATH}${trimmed}`;
}

/** A global prefix as a path: `''` or `/prefix`. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}
