import { Injectable } from '@nestjs/common';
import { McpPrompt } from '@nestmcp/core';
import { TEST_IMAGE_BASE64 } from './test-assets.js';

const ARG1_SUGGESTIONS = ['paris', 'park', 'party'];

/** The four test prompts; the one with arguments completes `arg1` (completion/complete). */
@Injectable()
export class TestPrompts {
  @McpPrompt({ name: 'test_simple_prompt', title: 'Simple Test Prompt', description: 'A simple prompt without arguments' })
  simple() {
    return 'This is a simple prompt for testing.';
  }

  @McpPrompt({
    name: 'test_prompt_with_arguments',
    title: 'Prompt With Arguments',
    description: 'A prompt with required arguments',
    args: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
    complete: { arg1: (value) => ARG1_SUGGESTIONS.filter((word) => word.startsWith(value)) },
  })
  withArguments({ arg1, arg2 }: { arg1: string; arg2: string }) {
    return `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`;
  }

  @McpPrompt({
    name: 'test_prompt_with_embedded_resource',
    title: 'Prompt With Embedded Resource',
    description: 'A prompt that includes an embedded resource',
    args: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
  })
  withEmbeddedResource({ resourceUri }: { resourceUri: string }) {
    return [
      { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
      'Please process the embedded resource above.',
    ];
  }

  @McpPrompt({ name: 'test_prompt_with_image', title: 'Prompt With Image', description: 'A prompt that includes image content' })
  withImage() {
    return [{ role: 'user', content: { type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' } }, 'Please analyze the image above.'];
  }
}
