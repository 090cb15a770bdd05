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

const MANIFESTS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
    - hosts:
        - shop.example.com
        - "*.wild.example.com"
        - "{{ .Values.host }}"
      secretName: web-tls
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  listeners:
    - name: https
      protocol: HTTPS
      port: 8443
      hostname: api.example.com
    - name: http
      protocol: HTTP
      port: 80
      hostname: plain.example.com
    - name: tls
      protocol: TLS
      port: 443
      hostname: "*.example.com"
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ig
spec:
  servers:
    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: ["edge/mesh.example.com", "*"]
      tls: { mode: SIMPLE, credentialName: c }
    - port: { number: 80, name: http, protocol: HTTP }
      hosts: ["redirect.example.com"]
      tls: { httpsRedirect: true }
`;

test('manifests: Ingress TLS hosts, Gateway API HTTPS/TLS listener hostnames, Istio TLS server hosts; wildcards, templates and plain HTTP skipped', () => {
  const doc = new TextDoc('k8s/edge.yaml', MANIFESTS);
  const found = endpointsInDocument(doc);
  assert.deepEqual(
    found.map((e) => [e.target, e.range.start.line, doc.text.slice(doc.lines.offsetAt(e.range.start), doc.lines.offsetAt(e.range.end))]),
    [
      ['shop.example.com', 7, 'shop.example.com'],
      ['api.example.com:8443', 21, 'api.example.com'],
      ['mesh.example.com', 38, '"edge/mesh.example.com"'],
    ],
  );
});
