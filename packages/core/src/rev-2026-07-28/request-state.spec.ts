import { RequestStateSigner, requestIdentity } from './request-state.js';

describe('RequestStateSigner', () => {
  const secret = 'a-test-secret-that-is-long-enough-32b';
  let now = 1_000;
  const signer = () => new RequestStateSigner(secret, 1_000, () => now);
  const request = requestIdentity('tools/call', 'remove', { item: 'a', n: 1 });

  beforeEach(() => (now = 1_000));

  it('round-trips the answers and the asked keys once', () => {
    const s = signer();
    const state = s.mint({ answers: { 'elicit-0': { action: 'accept' } }, asked: ['elicit-1'] }, 'alice', request);
    expect(s.verify(state, 'alice', request)).toEqual({ ok: true, payload: { answers: { 'elicit-0': { action: 'accept' } }, asked: ['elicit-1'] } });
    expect(s.verify(state, 'alice', request)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('binds the arguments regardless of key order', () => {
    expect(requestIdentity('tools/call', 'remove', { n: 1, item: 'a' })).toBe(request);
    expect(requestIdentity('tools/call', 'remove', { n: 2, item: 'a' })).not.toBe(request);
  });

  it('refuses other callers, other requests, expired, forged and malformed states', () => {
    const s = signer();
    const state = s.mint({ answers: {}, asked: ['elicit-0'] }, 'alice', request);
    expect(s.verify(state, 'bob', request)).toEqual({ ok: false, reason: 'otherCaller' });
    expect(s.verify(state, 'alice', requestIdentity('tools/call', 'other', {}))).toEqual({ ok: false, reason: 'otherRequest' });
    expect(s.verify(`${state.slice(0, -2)}xx`, 'alice', request)).toEqual({ ok: false, reason: 'forged' });
    expect(new RequestStateSigner('another-secret-that-is-long-enough-32').verify(state, 'alice', request)).toEqual({ ok: false, reason: 'forged' });
    expect(s.verify('nonsense', 'alice', request)).toEqual({ ok: false, reason: 'malformed' });
    now += 1_001;
    expect(s.verify(state, 'alice', request)).toEqual({ ok: false, reason: 'expired' });
  });

  it('needs a key of at least 32 bytes', () => {
    expect(() => new RequestStateSigner('short')).toThrow(/32 bytes/);
  });
});
