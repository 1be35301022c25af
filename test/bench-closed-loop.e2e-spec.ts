import { closedLoop } from '../bench/src/load/closed-loop.js';

/**
 * The bench's closed loop counts every answer that ends inside the measured window, also one sent before it: a
 * slow server's throughput is its rate, not the share of its operations that fit wholly inside the window.
 */
describe('bench closed loop', () => {
  it('counts the operations answered inside the window, whenever they were sent', async () => {
    // 250 ms per operation, window from 100 to 600 ms: answers at ~250 and ~500 ms fall inside it (the one sent
    // at 0, in the warm-up, included); the next ends at ~750 ms, after it.
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 250));
    const errors: string[] = [];
    const { latencies, served } = await closedLoop(slow, { connections: 3, warmupMs: 100, durationMs: 500 }, (message) => errors.push(message));
    expect(errors).toEqual([]);
    expect(served).toBe(9);
    expect(latencies).toHaveLength(6);
    for (const latency of latencies) expect(latency).toBeGreaterThanOrEqual(249);
  });
});
