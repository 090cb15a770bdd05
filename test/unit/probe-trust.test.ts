/** The untrusted-workspace rule of the Probe command (client/src/probe/trust.ts), without the editor. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmationMessage, probeNeedsConfirmation } from '../../client/src/probe/trust';

test('a host from a file is confirmed first only in an untrusted workspace', () => {
  assert.equal(probeNeedsConfirmation({ fromFile: 'file:///ws/nginx.conf' }, false), true);
  assert.equal(probeNeedsConfirmation({ fromFile: 'file:///ws/nginx.conf' }, true), false);
  assert.equal(probeNeedsConfirmation({}, false), false, 'a typed host is the person\'s own choice');
  assert.equal(probeNeedsConfirmation(undefined, false), false);
  assert.equal(probeNeedsConfirmation({ fromFile: '' }, false), false);
});

test('the question names the host and the file', () => {
  assert.equal(confirmationMessage('a.test:8443', 'sites/a'), 'Probe a.test:8443? The host comes from sites/a in a workspace you have not trusted; TLS Lens will connect to it over the network.');
});
