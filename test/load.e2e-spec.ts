import { createMcpClient } from '@nestmcp/core/testing';
import { startHardeningApp, type HardeningApp } from './fixtures/hardening-app.js';
import { waitFor } from './fixtures/raw-http.js';

const SESSIONS = 50;
const CALLS_PER_SESSION = 40;

describe('load without loss', () => {
  let app: HardeningApp;
  beforeAll(async () => {
    app = await startHardeningApp('express');
  });
  afterAll(() => app.app.close());

  it(`answers ${SESSIONS * CALLS_PER_SESSION} concurrent calls over ${SESSIONS} sessions, each with its own response`, async () => {
    const clients = await Promise.all(Array.from({ length: SESSIONS }, () => createMcpClient(app.app)));
    expect(app.sessions.size).toBe(SESSIONS);

    const calls = clients.flatMap((client, s) =>
      Array.from({ length: CALLS_PER_SESSION }, async (_, i) => {
        const text = `session ${s} call ${i} ${Math.random()}`;
        const result = await client.callTool({ name: 'echo', arguments: { text } });
        return { sent: text, got: (result.content as { text: string }[])[0].text };
      }),
    );
    const results = await Promise.all(calls);
    expect(results).toHaveLength(SESSIONS * CALLS_PER_SESSION);
    const mismatched = results.filter(({ sent, got }) => sent !== got);
    expect(mismatched).toEqual([]);
    expect(new Set(results.map(({ got }) => got)).size).toBe(SESSIONS * CALLS_PER_SESSION);

    // Each client ends its session (DELETE): every session is freed, nothing stays in flight.
    await Promise.all(clients.map((client) => (client.transport as unknown as { terminateSession(): Promise<void> }).terminateSession()));
    await Promise.all(clients.map((client) => client.close()));
    await waitFor(() => app.sessions.size === 0 && app.sessions.pendingRequests === 0, 10_000, 'every session freed');
  }, 120_000);
});
