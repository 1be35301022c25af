import { McpMessages } from '../mcp.messages.js';
import type { McpOpenApiOptions, McpOpenApiSource, McpRestOperation } from '../interfaces/mcp-rest-tools-options.interface.js';
import { openApiOperations, parseOpenApiDocument } from './openapi-operations.js';
import { openApiPathProblem, parseOpenApiBaseUrl } from './openapi-url.js';

/**
 * Tools from an OpenAPI 3.x document, for a REST service that is not this app (docs/rest-as-tools.md):
 *
 * ```ts
 * McpModule.forRoot({
 *   name: 'shop', version: '1.0.0',
 *   openApi: fromOpenApi({ spec: petstore, baseUrl: 'https://petstore.example.com/v1', tags: ['pets'],
 *     headers: { 'x-api-key': process.env.PETSTORE_KEY! }, timeoutMs: 10_000 }),
 * })
 * ```
 *
 * The document is read and its operations mapped here, once, so a bad document fails at start-up with a clear error.
 * Calls go over HTTP with Node's fetch (undici).
 */
export function fromOpenApi(options: McpOpenApiOptions): McpOpenApiSource {
  parseOpenApiBaseUrl(options.baseUrl);
  const document = parseOpenApiDocument(options.spec);
  const operations = openApiOperations(document, options)
    .map((operation) => (options.map ? options.map(operation) : operation))
    .filter((operation): operation is McpRestOperation => operation !== false);
  // After `map`, which may change a path too.
  for (const operation of operations) {
    const problem = openApiPathProblem(operation.path);
    if (problem) throw new Error(McpMessages.openApiBadPath(operation.path, operation.source, problem));
  }
  return { options, operations };
}
