import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { McpContext, McpPrompt, McpRegistry, McpTool } from '@nestmcp/core';

const NAME_SCHEMA = z.object({ name: z.string() });

/**
 * The tools the 2026-07-28 scenarios of @modelcontextprotocol/conformance (0.2.0-alpha) call beyond the
 * 2025 "everything" set: multi-round-trip inputs (SEP-2322), the stateless-server probes (SEP-2575) and the
 * list-change triggers. Written with our decorators and McpContext, so they serve both eras: on 2025-11-25
 * sessions the same elicit()/sample()/listRoots() calls become server-to-client requests.
 */
@Injectable()
export class ModernScenariosTools {
  private toggles = 0;

  constructor(private readonly registry: McpRegistry) {}

  @McpTool({ name: 'test_input_required_result_elicitation', description: 'Asks for the user name (MRTR, SEP-2322)' })
  async elicitName(_args: unknown, ctx: McpContext) {
    const answer = await ctx.elicit('What is your name?', NAME_SCHEMA, { key: 'user_name' });
    return `Hello, ${String(answer.content?.name ?? 'anonymous')}!`;
  }

  @McpTool({ name: 'test_input_required_result_sampling', description: 'Asks the client model a question (MRTR)' })
  async sampleCapital(_args: unknown, ctx: McpContext) {
    const answer = await ctx.sample(
      { messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 },
      { key: 'capital_question' },
    );
    const content = answer.content as { type: string; text?: string };
    return `The model answered: ${content.type === 'text' ? content.text : JSON.stringify(content)}`;
  }

  @McpTool({ name: 'test_input_required_result_list_roots', description: 'Asks the client for its roots (MRTR)' })
  async roots(_args: unknown, ctx: McpContext) {
    const { roots } = await ctx.listRoots({ key: 'client_roots' });
    return `Client roots: ${roots.map((root) => root.uri).join(', ') || '(none)'}`;
  }

  @McpTool({ name: 'test_input_required_result_request_state', description: 'Round-trips a signed requestState (MRTR)' })
  async requestState(_args: unknown, ctx: McpContext) {
    const answer = await ctx.elicit('Please confirm', z.object({ ok: z.boolean() }), { key: 'confirm' });
    // Reaching here on a retry means the requestState was verified (signature, caller, request, expiry).
    return `state-ok: confirmed=${String(answer.content?.ok)}`;
  }

  @McpTool({ name: 'test_input_required_result_multiple_inputs', description: 'Asks for three inputs in one round (MRTR)' })
  async multipleInputs(_args: unknown, ctx: McpContext) {
    const [name, greeting, roots] = await Promise.all([
      ctx.elicit('What is your name?', NAME_SCHEMA, { key: 'user_name' }),
      ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 }, { key: 'greeting' }),
      ctx.listRoots({ key: 'client_roots' }),
    ]);
    const text = (greeting.content as { text?: string }).text ?? '';
    return `name=${String(name.content?.name)}; greeting=${text}; roots=${roots.roots.length}`;
  }

  @McpTool({ name: 'test_input_required_result_multi_round', description: 'Asks twice, one round each (MRTR)' })
  async multiRound(_args: unknown, ctx: McpContext) {
    const step1 = await ctx.elicit('Step 1: What is your name?', NAME_SCHEMA, { key: 'step1' });
    const step2 = await ctx.elicit('Step 2: What is your favorite color?', z.object({ color: z.string() }), { key: 'step2' });
    return `${String(step1.content?.name)} likes ${String(step2.content?.color)}`;
  }

  @McpTool({ name: 'test_input_required_result_tampered_state', description: 'Refuses a tampered requestState (MRTR)' })
  async tamperedState(_args: unknown, ctx: McpContext) {
    const answer = await ctx.elicit('Please confirm', z.object({ ok: z.boolean() }), { key: 'confirm' });
    return `confirmed=${String(answer.content?.ok)}`;
  }

  @McpTool({ name: 'test_input_required_result_capabilities', description: 'Asks only for inputs the client declared (MRTR)' })
  async capabilities(_args: unknown, ctx: McpContext) {
    const declared = ctx.clientCapabilities ?? {};
    const parts: string[] = [];
    if (declared.elicitation) parts.push(`name=${String((await ctx.elicit('What is your name?', NAME_SCHEMA, { key: 'user_name' })).content?.name)}`);
    if (declared.sampling) {
      const answer = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }], maxTokens: 20 }, { key: 'greeting' });
      parts.push(`greeting=${(answer.content as { text?: string }).text ?? ''}`);
    }
    return parts.length ? parts.join('; ') : 'no input capabilities declared';
  }

  @McpTool({ name: 'test_missing_capability', description: 'Needs sampling: refused with -32021 when the client did not declare it' })
  async missingCapability(_args: unknown, ctx: McpContext) {
    const answer = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'ping' } }], maxTokens: 5 });
    return (answer.content as { text?: string }).text ?? '';
  }

  @McpTool({ name: 'test_streaming_elicitation', description: 'Reports progress, then asks for input' })
  async streamingElicitation(_args: unknown, ctx: McpContext) {
    await ctx.reportProgress(1, 2, 'asking');
    const answer = await ctx.elicit('What is your name?', NAME_SCHEMA, { key: 'user_name' });
    return `Hello, ${String(answer.content?.name)}!`;
  }

  @McpTool({ name: 'test_logging_tool', description: 'Sends log messages (only when the request asks for a log level)' })
  async logging(_args: unknown, ctx: McpContext) {
    await ctx.log.info('logging tool: info');
    await ctx.log.warning('logging tool: warning');
    return 'logged';
  }

  @McpTool({ name: 'test_trigger_tool_change', description: 'Adds or removes a tool, so tools/list changes' })
  triggerToolChange() {
    const name = 'test_dynamic_tool';
    if (!this.registry.removeTool(name)) this.registry.registerTool({ name, description: 'appears and disappears' }, async () => 'dynamic');
    return `tools changed (${++this.toggles})`;
  }

  @McpTool({ name: 'test_trigger_prompt_change', description: 'Adds or removes a prompt, so prompts/list changes' })
  triggerPromptChange() {
    const name = 'test_dynamic_prompt';
    if (!this.registry.removePrompt(name)) this.registry.registerPrompt({ name, description: 'appears and disappears' }, async () => 'dynamic');
    return `prompts changed (${++this.toggles})`;
  }

  @McpPrompt({ name: 'test_input_required_result_prompt', description: 'A prompt that asks for context first (MRTR on prompts/get)' })
  async contextPrompt(_args: unknown, ctx: McpContext) {
    const answer = await ctx.elicit('What context should the prompt use?', z.object({ context: z.string() }), { key: 'user_context' });
    return `Use this context: ${String(answer.content?.context)}`;
  }
}
