import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpContext, McpPrompt, McpResource, McpTool } from '@nestmcp/core';

/** 1x1 red PNG. */
export const RED_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
/** A 44-byte WAV header with no samples. */
const EMPTY_WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=';

/**
 * The 2025 "everything" tools, resources and prompts that the 2026-07-28 requirement set runs again at the new
 * wire. Stand-in until the shared conformance fixture (issue 5) is merged: the lead keeps that one and drops this.
 */
@Injectable()
export class BasicScenariosTools {
  @McpTool({ name: 'test_simple_text', description: 'Returns simple text' })
  simpleText() {
    return 'This is a simple text response for testing.';
  }

  @McpTool({ name: 'test_image_content', description: 'Returns an image' })
  image() {
    return { content: [{ type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' }] };
  }

  @McpTool({ name: 'test_audio_content', description: 'Returns audio' })
  audio() {
    return { content: [{ type: 'audio', data: EMPTY_WAV, mimeType: 'audio/wav' }] };
  }

  @McpTool({ name: 'test_embedded_resource', description: 'Returns an embedded resource' })
  embedded() {
    return {
      content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
    };
  }

  @McpTool({ name: 'test_multiple_content_types', description: 'Returns text, image and resource' })
  mixed() {
    return {
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
      ],
    };
  }

  @McpTool({ name: 'test_error_handling', description: 'Always fails' })
  fails() {
    throw new Error('This tool intentionally returns an error for testing');
  }

  @McpTool({ name: 'test_tool_with_progress', description: 'Reports progress 0, 50, 100 of 100' })
  async progress(_args: unknown, ctx: McpContext) {
    for (const step of [0, 50, 100]) {
      await ctx.reportProgress(step, 100);
      if (step < 100) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return 'Progress test completed';
  }

  @McpResource({ uri: 'test://static-text', name: 'static-text', mimeType: 'text/plain' })
  staticText() {
    return 'This is the content of the static text resource.';
  }

  @McpResource({ uri: 'test://static-binary', name: 'static-binary', mimeType: 'image/png' })
  staticBinary() {
    return Buffer.from(RED_PIXEL_PNG, 'base64');
  }

  @McpResource({ uriTemplate: 'test://template/{id}/data', name: 'template', mimeType: 'application/json' })
  template({ id }: { id: string }) {
    return JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` });
  }

  @McpPrompt({ name: 'test_simple_prompt', description: 'A simple prompt' })
  simplePrompt() {
    return 'This is a simple prompt for testing.';
  }

  @McpPrompt({
    name: 'test_prompt_with_arguments',
    description: 'A prompt with arguments',
    args: { arg1: z.string().describe('First test argument'), arg2: z.string().describe('Second test argument') },
    complete: { arg1: (value) => ['paris', 'park', 'party'].filter((word) => word.startsWith(value)) },
  })
  promptWithArgs({ arg1, arg2 }: { arg1: string; arg2: string }) {
    return `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`;
  }

  @McpPrompt({ name: 'test_prompt_with_embedded_resource', description: 'Embeds a resource', args: [{ name: 'resourceUri', required: true }] })
  promptWithResource({ resourceUri }: { resourceUri: string }) {
    return [
      { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
      'Please process the embedded resource above.',
    ];
  }

  @McpPrompt({ name: 'test_prompt_with_image', description: 'Shows an image' })
  promptWithImage() {
    return [{ role: 'user', content: { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' } }, 'Please analyze the image above.'];
  }
}
