/**
 * Who is asking, as far as listing and using tools, resources and prompts goes. `undefined` everywhere means
 * "the server has no auth": everything is visible.
 */
export interface McpAccess {
  /** No token was sent (allowed only on servers with `@McpPublic()` items): public items only. */
  readonly anonymous: boolean;
  /** Whether a principal was found (a verified token, or what the app's guards left on the request). */
  readonly authenticated: boolean;
  /** Scopes of the verified token or principal. */
  readonly scopes: ReadonlySet<string>;
}

/** What an entry asks of its callers. */
export interface McpAccessRule {
  readonly scopes?: readonly string[];
  readonly public?: boolean;
}

export const ANONYMOUS_ACCESS: McpAccess = Object.freeze({ anonymous: true, authenticated: false, scopes: new Set<string>() });

/** A caller the app's guards let through without a principal: items without scopes only. */
export const UNAUTHENTICATED_ACCESS: McpAccess = Object.freeze({ anonymous: false, authenticated: false, scopes: new Set<string>() });

/** Whether a caller with `access` may see and use an entry with `rule`. */
export function mayUse(rule: McpAccessRule, access: McpAccess | undefined): boolean {
  if (!access || rule.public) return true;
  if (access.anonymous) return false;
  return !rule.scopes || rule.scopes.every((scope) => access.scopes.has(scope));
}

/** The scopes of `rule` that `access` lacks. */
export function missingScopes(rule: McpAccessRule, access: McpAccess | undefined): string[] {
  return (rule.scopes ?? []).filter((scope) => !access?.scopes.has(scope));
}

/** Most per-caller list variants kept for one list; beyond, the cache starts over (they are cheap to rebuild). */
const MAX_VIEWS = 64;

/**
 * One list result (tools, resources, templates or prompts), built once and reused until the list changes.
 * A caller who may use every entry gets the shared full list (the fast path); others get a filtered copy,
 * cached by the scopes that matter to this list, so it is rebuilt only when the list or the scope set changes.
 */
export class McpAccessList<TEntry extends McpAccessRule, TDefinition> {
  private full?: TDefinition[];
  private relevantScopes?: string[];
  private restricted = false;
  private readonly views = new Map<string, TDefinition[]>();

  constructor(
    private readonly entries: () => Iterable<TEntry>,
    private readonly definition: (entry: TEntry) => TDefinition,
  ) {}

  invalidate(): void {
    this.full = this.relevantScopes = undefined;
    this.views.clear();
  }

  /** Every scope used by an entry of this list. */
  scopes(): readonly string[] {
    this.prepare();
    return this.relevantScopes!;
  }

  get(access: McpAccess | undefined): TDefinition[] {
    const full = this.prepare();
    if (!access || !this.restricted) return full;
    const held = access.anonymous ? undefined : this.relevantScopes!.filter((scope) => access.scopes.has(scope));
    if (held && held.length === this.relevantScopes!.length) return full;
    const key = held ? held.join(' ') : '\0anonymous';
    let view = this.views.get(key);
    if (!view) {
      if (this.views.size >= MAX_VIEWS) this.views.clear();
      view = [...this.entries()].filter((entry) => mayUse(entry, access)).map(this.definition);
      this.views.set(key, view);
    }
    return view;
  }

  private prepare(): TDefinition[] {
    if (this.full) return this.full;
    const entries = [...this.entries()];
    const scopes = new Set(entries.flatMap((entry) => entry.scopes ?? []));
    this.relevantScopes = [...scopes].sort();
    // Anonymous callers see only public entries, so any non-public entry makes the list restricted.
    this.restricted = entries.some((entry) => !entry.public);
    this.full = entries.map(this.definition);
    return this.full;
  }
}
