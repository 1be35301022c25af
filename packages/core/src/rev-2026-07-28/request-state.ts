import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { McpMessages } from '../mcp.messages.js';
import type { McpReplayGuard } from '../stores/mcp-replay-guard.js';

/** What a multi-round-trip `requestState` carries between rounds (readable by the client, not forgeable). */
export interface RequestStatePayload {
  /** Answers collected in earlier rounds, by input key. */
  answers: Record<string, unknown>;
  /** Keys of the input requests sent with this state (the answers the retry must bring). */
  asked: string[];
}

export type RequestStateFailure = keyof typeof McpMessages.requestStateReasons;

export type RequestStateOutcome = { ok: true; payload: RequestStatePayload } | { ok: false; reason: RequestStateFailure };

interface Envelope extends RequestStatePayload {
  /** Single-use id. */
  n: string;
  /** Expiry, ms since the epoch. */
  exp: number;
  /** Tag of the caller it was issued to. */
  c: string;
  /** Tag of the request it belongs to (method, name, arguments). */
  r: string;
}

const PREFIX = 'v1.';

/** JSON with object keys sorted, so equal arguments give equal request tags. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a request is, for binding: the method, what it names (tool, prompt or URI) and its arguments. */
export function requestIdentity(method: string, target: string, args: unknown): string {
  return createHash('sha256').update(`${method}\0${target}\0${canonicalJson(args ?? {})}`).digest('base64url');
}

/** Where a state's single use is recorded: a replay guard (shared by every process with a shared store) and its key. */
export interface RequestStateReplay {
  readonly guard: McpReplayGuard;
  key(nonce: string): string;
}

/**
 * Mints and verifies the `requestState` of 2026-07-28 multi-round-trip requests: HMAC-SHA256 signed,
 * bound to the caller (the principal the auth layer established) and to the original request, time-limited and
 * single-use: `claim()` records the use in the replay guard (`McpReplayGuard`, shared across processes with a
 * shared store); `verify()` keeps uses in this signer only. The state holds the answers of earlier rounds, so a
 * tool that asks twice gets both on the last retry.
 */
export class RequestStateSigner {
  private readonly key: Buffer;
  private readonly used = new Map<string, number>();

  constructor(
    secret: string | Uint8Array | undefined,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret as Uint8Array);
    if (this.key.length < 32) throw new Error(McpMessages.requestStateSecretTooShort());
  }

  mint(payload: RequestStatePayload, caller: string, request: string): string {
    const envelope: Envelope = {
      ...payload,
      n: randomBytes(12).toString('base64url'),
      exp: this.now() + this.ttlMs,
      c: this.tag('caller', caller),
      r: request,
    };
    const body = Buffer.from(JSON.stringify(envelope)).toString('base64url');
    return `${PREFIX}${body}.${this.mac(body)}`;
  }

  /** Verifies a state and records its use in this signer (single-use within it). */
  verify(state: string, caller: string, request: string): RequestStateOutcome {
    const checked = this.check(state, caller, request);
    if ('reason' in checked) return checked;
    const now = this.now();
    this.prune(now);
    if (this.used.has(checked.n)) return { ok: false, reason: 'replayed' };
    this.used.set(checked.n, checked.exp);
    return { ok: true, payload: { answers: checked.answers, asked: checked.asked } };
  }

  /** Verifies a state and claims its single use in the replay guard (so it is accepted once across processes). */
  async claim(state: string, caller: string, request: string, replay: RequestStateReplay): Promise<RequestStateOutcome> {
    const checked = this.check(state, caller, request);
    if ('reason' in checked) return checked;
    if (!(await replay.guard.claim(replay.key(checked.n), checked.exp - this.now()))) return { ok: false, reason: 'replayed' };
    return { ok: true, payload: { answers: checked.answers, asked: checked.asked } };
  }

  private check(state: string, caller: string, request: string): Envelope | { ok: false; reason: RequestStateFailure } {
    const envelope = this.open(state);
    if (envelope === 'malformed' || envelope === 'forged') return { ok: false, reason: envelope };
    if (envelope.exp <= this.now()) return { ok: false, reason: 'expired' };
    if (!this.sameTag(envelope.c, this.tag('caller', caller))) return { ok: false, reason: 'otherCaller' };
    if (envelope.r !== request) return { ok: false, reason: 'otherRequest' };
    return envelope;
  }

  private open(state: string): Envelope | 'malformed' | 'forged' {
    if (typeof state !== 'string' || !state.startsWith(PREFIX)) return 'malformed';
    const [body, mac, extra] = state.slice(PREFIX.length).split('.');
    if (!body || !mac || extra !== undefined) return 'malformed';
    if (!this.sameTag(mac, this.mac(body))) return 'forged';
    try {
      const envelope = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Envelope;
      const valid =
        typeof envelope.n === 'string' &&
        typeof envelope.exp === 'number' &&
        typeof envelope.c === 'string' &&
        typeof envelope.r === 'string' &&
        typeof envelope.answers === 'object' &&
        envelope.answers !== null &&
        Array.isArray(envelope.asked);
      return valid ? envelope : 'malformed';
    } catch {
      return 'malformed';
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(`mcp.requestState:${body}`).digest('base64url');
  }

  private tag(domain: string, value: string): string {
    return createHmac('sha256', this.key).update(`mcp.requestState.${domain}:${value}`).digest('base64url').slice(0, 22);
  }

  private sameTag(a: string, b: string): boolean {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  }

  /** Forgets used ids whose state has expired anyway (an expired state is refused before the replay check). */
  private prune(now: number): void {
    for (const [nonce, exp] of this.used) if (exp <= now) this.used.delete(nonce);
  }
}
