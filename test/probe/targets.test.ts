import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDoc } from '../../server/src/core';
import { endpointsInDocument } from '../../server/src/core/probe/targets';

const SITE = `server {
    listen 443 ssl;
    server_name a.example.com www.a.example.com *.wild.example.com ~^re\\.example\\.com$ _;
}
server {
    listen 80;
    server_name plain.example.com;
}
server {
    listen 127.0.0.1:8443 ssl;
    server_name b.example.com;
}
server {
    listen 443 ssl default_server;
    ssl_reject_handshake on;
    server_name rejected.example.com;
}
`;

test('plain names of TLS servers, with the port when not 443; wildcards, regexes, _, plain HTTP and reject-handshake servers skipped', () => {
  const doc = new TextDoc('sites-enabled/site', SITE, 'nginx');
  const found = endpointsInDocument(doc);
  assert.deepEqual(
    found.map((e) => [e.target, doc.text.slice(doc.lines.offsetAt(e.range.start), doc.lines.offsetAt(e.range.end))]),
    [
      ['a.example.com', 'a.example.com'],
      ['www.a.example.com', 'www.a.example.com'],
      ['b.example.com:8443', 'b.example.com'],
    ],
  );
});

test('not nginx: no endpoints', () => {
  assert.deepEqual(endpointsInDocument(new TextDoc('notes.txt', SITE)), []);
});
