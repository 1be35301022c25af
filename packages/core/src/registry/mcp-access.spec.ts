import { ANONYMOUS_ACCESS, McpAccessList, mayUse, type McpAccess, type McpAccessRule } from './mcp-access.js';

const access = (...scopes: string[]): McpAccess => ({ anonymous: false, authenticated: true, scopes: new Set(scopes) });

describe('McpAccessList', () => {
  const entries: (McpAccessRule & { name: string })[] = [
    { name: 'open' },
    { name: 'read', scopes: ['r'] },
    { name: 'write', scopes: ['r', 'w'] },
    { name: 'public', public: true },
  ];
  let builds = 0;
  const list = new McpAccessList(() => entries, (entry) => {
    builds++;
    return entry.name;
  });

  beforeEach(() => {
    list.invalidate();
    builds = 0;
  });

  it('gives the shared full list to servers without auth and to callers who may use everything', () => {
    const full = list.get(undefined);
    expect(full).toEqual(['open', 'read', 'write', 'public']);
    expect(list.get(access('r', 'w', 'unrelated'))).toBe(full);
    expect(builds).toBe(4);
  });

  it('filters by scope and caches the view per set of relevant scopes', () => {
    const readers = list.get(access('r'));
    expect(readers).toEqual(['open', 'read', 'public']);
    expect(list.get(access('r', 'unrelated'))).toBe(readers);
    expect(list.get(access())).toEqual(['open', 'public']);
    expect(list.get(ANONYMOUS_ACCESS)).toEqual(['public']);
  });

  it('starts over when the list changes', () => {
    const before = list.get(access('r'));
    list.invalidate();
    expect(list.get(access('r'))).not.toBe(before);
    expect(list.scopes()).toEqual(['r', 'w']);
  });

  it('mayUse: public entries need nothing, others need a token with all their scopes', () => {
    expect(mayUse({ public: true }, ANONYMOUS_ACCESS)).toBe(true);
    expect(mayUse({}, ANONYMOUS_ACCESS)).toBe(false);
    expect(mayUse({ scopes: ['a', 'b'] }, access('a'))).toBe(false);
    expect(mayUse({ scopes: ['a', 'b'] }, access('b', 'a'))).toBe(true);
    expect(mayUse({ scopes: ['a'] }, undefined)).toBe(true);
  });
});
