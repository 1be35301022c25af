import { RelayedRequestIds } from './relayed-request-ids.js';

describe('RelayedRequestIds', () => {
  const elicit = (id: number) => ({ jsonrpc: '2.0' as const, id, method: 'elicitation/create', params: {} });

  it("tags a connection's server-to-client requests and gives the SDK its own id back, once", () => {
    const mine = new RelayedRequestIds('A1');
    const sent = mine.tag(elicit(0));
    expect(sent).toMatchObject({ id: 'A1~0', method: 'elicitation/create' });
    const answer = { jsonrpc: '2.0' as const, id: 'A1~0', result: { action: 'accept' } };
    expect(mine.ours(answer, true)).toEqual({ ...answer, id: 0 });
    expect(mine.ours(answer, true)).toBeUndefined();
  });

  it("knows another connection's answers, and takes untagged ones only when they did not come from elsewhere", () => {
    const mine = new RelayedRequestIds('A1');
    mine.tag(elicit(0));
    expect(mine.ours({ jsonrpc: '2.0', id: 'B2~0', result: {} })).toBeUndefined();
    expect(mine.ours({ jsonrpc: '2.0', id: 'B2~0', result: {} }, true)).toBeUndefined();
    expect(mine.ours({ jsonrpc: '2.0', id: 7, result: {} })).toEqual({ jsonrpc: '2.0', id: 7, result: {} });
    expect(mine.ours({ jsonrpc: '2.0', id: 7, result: {} }, true)).toBeUndefined();
  });

  it('tags the cancellation of a tagged request, and leaves notifications and responses alone', () => {
    const mine = new RelayedRequestIds('A1');
    mine.tag(elicit(3));
    expect(mine.tag({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } })).toMatchObject({ params: { requestId: 'A1~3' } });
    const other = { jsonrpc: '2.0' as const, method: 'notifications/cancelled', params: { requestId: 9 } };
    expect(mine.tag(other)).toBe(other);
    const response = { jsonrpc: '2.0' as const, id: 1, result: {} };
    expect(mine.tag(response)).toBe(response);
  });
});
