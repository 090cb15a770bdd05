/**
 * What a failed probe is called: a graceful close (a TCP FIN after the ServerHello) is
 * "closed", never "reset"; a real RST is "reset". Fake servers, since nginx does neither.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { probeEndpoint, ProbeError } from '../../server/src/core/probe';
import { startFakeTls, type FakeTlsServer } from '../support/fakeTls';

let fake: FakeTlsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

test('a close after the ServerHello is a close, with how much the server said', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0xc02f], fault: 'close-after-server-hello' });
  await assert.rejects(probeEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 3000, concurrency: 4 }), (e: unknown) => {
    assert.ok(e instanceof ProbeError);
    assert.equal(e.code, 'closed', e.message);
    assert.doesNotMatch(e.message, /reset/);
    assert.match(e.message, /closed the connection \(a TCP FIN, no TLS alert\) after \d+ byte\(s\) of its answer, before the TLS handshake finished/);
    assert.match(e.message, /the raw scan: .* closed the connection after its ServerHello, before ServerHelloDone/);
    return true;
  });
});

test('a real reset is a reset', async () => {
  fake = await startFakeTls({ versions: [0x0303], suites: [0xc02f], fault: 'reset' });
  await assert.rejects(probeEndpoint({ host: '127.0.0.1', port: fake.port }, { timeoutMs: 3000, concurrency: 4 }), (e: unknown) => e instanceof ProbeError && e.code === 'reset' && /reset the connection/.test(e.message));
});
