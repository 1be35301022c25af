import type {
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  ListRootsResult,
} from '../interfaces/mcp-protocol.types.js';
import type { McpClientInputs, McpInputOptions } from '../context/mcp-context.js';
import { McpMessages } from '../mcp.messages.js';
import { McpErrorCode } from '../mcp-error-codes.js';
import { sharedJsonSchemaValidator } from '../schema/json-schema-validator.js';
import { McpOperationError } from '../operations/mcp-operation-error.js';

/** One input request of an `input_required` result, as JSON. */
export interface PendingInput {
  method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list';
  params: Record<string, unknown>;
}

/**
 * `elicit()` / `sample()` of one 2026-07-28 call (multi-round-trip requests). The method runs again from the
 * start on every retry: the n-th `elicit()` of a run is keyed `elicit-n` (or the key the method gives), and
 * returns the answer the client brought for that key. The first call without an answer suspends the method and the call ends with
 * `input_required` carrying every input asked for in the same turn (so `Promise.all` of two asks is one round).
 * Whether the client declared the capability an input needs is checked by the SDK (-32021); a method that
 * can do without an input checks `ctx.clientCapabilities` first.
 */
export class MrtrInputs implements McpClientInputs {
  private readonly counters = { elicit: 0, sample: 0, roots: 0 };
  private readonly pending = new Map<string, PendingInput>();
  private announce?: () => void;
  /** Resolves with the inputs to ask for when the method is waiting for answers it does not have. */
  readonly needed: Promise<Map<string, PendingInput>>;

  constructor(
    /** Answers known for this run: from earlier rounds (in the verified requestState) and this retry. */
    readonly answers: Record<string, unknown>,
  ) {
    this.needed = new Promise((resolve) => {
      this.announce = () => resolve(this.pending);
    });
  }

  /** An accepted answer is checked against the schema asked for, as on the 2025 path (-32602 when it does not match). */
  elicit(message: string, requestedSchema: ElicitRequestFormParams['requestedSchema'], options?: McpInputOptions): Promise<ElicitResult> {
    const key = options?.key ?? `elicit-${this.counters.elicit++}`;
    const answer = this.answers[key] as ElicitResult | undefined;
    if (Object.hasOwn(this.answers, key) && answer?.action === 'accept' && answer.content !== undefined) {
      const result = sharedJsonSchemaValidator.getValidator<unknown>(requestedSchema as never)(answer.content);
      if (!result.valid) {
        return Promise.reject(new McpOperationError(McpErrorCode.InvalidParams, McpMessages.elicitationAnswerInvalid(result.errorMessage ?? 'invalid')));
      }
    }
    return this.ask<ElicitResult>(key, { method: 'elicitation/create', params: { mode: 'form', message, requestedSchema } });
  }

  sample(params: CreateMessageRequestParams, options?: McpInputOptions): Promise<CreateMessageResult> {
    return this.ask<CreateMessageResult>(options?.key ?? `sample-${this.counters.sample++}`, {
      method: 'sampling/createMessage',
      params: params as unknown as Record<string, unknown>,
    });
  }

  listRoots(options?: McpInputOptions): Promise<ListRootsResult> {
    return this.ask<ListRootsResult>(options?.key ?? `roots-${this.counters.roots++}`, { method: 'roots/list', params: {} });
  }

  private ask<T>(key: string, request: PendingInput): Promise<T> {
    if (Object.hasOwn(this.answers, key)) return Promise.resolve(this.answers[key] as T);
    if (this.pending.size === 0) setImmediate(() => this.announce?.());
    this.pending.set(key, request);
    // The method waits here for good: the call ends with input_required and the retry runs it afresh.
    return new Promise<T>(() => undefined);
  }
}
