export { getHttpRequest } from './get-http-request.js';
export { getHttpHeaders, type GetHttpHeadersOptions } from './get-http-headers.js';
export { getMcpContext } from './get-mcp-context.js';
