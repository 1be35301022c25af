import { Injectable } from '@nestjs/common';
import { McpContext, McpTool } from '@nestmcp/core';
import { z } from 'zod';

const describeAnswer = (result: { action: string; content?: unknown }) =>
  `action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;

/** Tools that ask the client something: its model (sampling) or its user (elicitation). */
@Injectable()
export class ClientRequestTools {
  @McpTool({
    name: 'test_sampling',
    description: 'Tests server-initiated sampling (LLM completion request)',
    input: { prompt: z.string().describe('The prompt to send to the LLM') },
  })
  async sampling({ prompt }: { prompt: string }, ctx: McpContext) {
    const result = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 });
    const text = !Array.isArray(result.content) && result.content.type === 'text' ? result.content.text : JSON.stringify(result.content);
    return `LLM response: ${text}`;
  }

  @McpTool({
    name: 'test_elicitation',
    description: 'Tests server-initiated elicitation (user input request)',
    input: { message: z.string().describe('The message to show the user') },
  })
  async elicitation({ message }: { message: string }, ctx: McpContext) {
    const result = await ctx.elicit(message, {
      type: 'object',
      properties: {
        username: { type: 'string', description: "User's response" },
        email: { type: 'string', description: "User's email address" },
      },
      required: ['username', 'email'],
    });
    return `User response: ${describeAnswer(result)}`;
  }

  @McpTool({ name: 'test_elicitation_sep1034_defaults', description: 'Tests elicitation with default values per SEP-1034' })
  async elicitationDefaults(_args: unknown, ctx: McpContext) {
    const result = await ctx.elicit('Please review and update the form fields with defaults', {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'User name', default: 'John Doe' },
        age: { type: 'integer', description: 'User age', default: 30 },
        score: { type: 'number', description: 'User score', default: 95.5 },
        status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
        verified: { type: 'boolean', description: 'Verification status', default: true },
      },
      required: [],
    });
    return `Elicitation completed: ${describeAnswer(result)}`;
  }

  @McpTool({ name: 'test_elicitation_sep1330_enums', description: 'Tests elicitation with enum schema improvements per SEP-1330' })
  async elicitationEnums(_args: unknown, ctx: McpContext) {
    const result = await ctx.elicit('Please select options from the enum fields', {
      type: 'object',
      properties: {
        untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
        titledSingle: {
          type: 'string',
          description: 'Select one option with titles',
          oneOf: [
            { const: 'value1', title: 'First Option' },
            { const: 'value2', title: 'Second Option' },
            { const: 'value3', title: 'Third Option' },
          ],
        },
        legacyEnum: {
          type: 'string',
          description: 'Select one option (legacy)',
          enum: ['opt1', 'opt2', 'opt3'],
          enumNames: ['Option One', 'Option Two', 'Option Three'],
        },
        untitledMulti: {
          type: 'array',
          description: 'Select multiple options',
          minItems: 1,
          maxItems: 3,
          items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
        },
        titledMulti: {
          type: 'array',
          description: 'Select multiple options with titles',
          minItems: 1,
          maxItems: 3,
          items: {
            anyOf: [
              { const: 'value1', title: 'First Choice' },
              { const: 'value2', title: 'Second Choice' },
              { const: 'value3', title: 'Third Choice' },
            ],
          },
        },
      },
      required: [],
    });
    return `Elicitation completed: ${describeAnswer(result)}`;
  }
}
