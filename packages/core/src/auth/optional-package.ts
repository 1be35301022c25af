import { McpMessages } from '../mcp.messages.js';

/**
 * Loads a package that only some auth options need (passport-jwt for `auth.jwt`, jose for `auth.jwt.jwksUri`), so
 * apps that do not use them need not install them. A missing package is a start-up error that names it.
 */
export async function loadOptionalPackage<T>(name: string, server: string, option: string): Promise<T> {
  try {
    const loaded = (await import(name)) as T & { default?: T };
    // CommonJS packages come as their module.exports under `default`.
    return (loaded.default ?? loaded) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new Error(McpMessages.authPackageMissing(server, option, name), { cause: error });
    throw error;
  }
}
