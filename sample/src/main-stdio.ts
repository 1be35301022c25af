import 'reflect-metadata';
import { McpStdio } from '@nestmcp/core';
import { AppModule } from './app.module.js';

// The sample's open notes server over stdio, for clients that start the server as a command:
//   npm run build && npm run --silent start:stdio
// Logs go to stderr; stdout carries newline-delimited JSON-RPC only. See docs/stdio.md.
await McpStdio.serve(AppModule);
