/**
 * Protocol types re-exported from the official SDK, so that application code imports them from one place
 * and a later SDK line can be swapped in here.
 */
export type {
  CallToolResult,
  ContentBlock,
  GetPromptResult,
  Icon,
  PromptMessage,
  ReadResourceResult,
  ServerCapabilities,
  ToolAnnotations,
  Implementation,
  ClientCapabilities,
  LoggingLevel,
  RequestId,
  ElicitResult,
  CreateMessageResult,
  CreateMessageRequestParams,
  ElicitRequestFormParams,
  ListRootsResult,
} from '@modelcontextprotocol/sdk/types.js';
