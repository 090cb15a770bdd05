import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confinedTo } from '../../server/src/cli/probeSetup';
import { MemoryHost, resolvePolicy } from '../../server/src/core';
import type { Host } from '../../server/src/core/host';

/** Counts every path the comparison touches, as the CLI's own host would see it. */
function counting(inner: Host, touched: string[]): Host {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || !['readFile', 'stat', 'readDirectory'].includes(String(prop))) return v;
      return (p: string, ...rest: unknown[]) => {
        touched.push(p);
        return (v as (...a: unknown[]) => unknown).call(target, p, ...rest);
      };
    },
  });
}

test('probe --config reads the named folders and the folders pathMappings name, nothing else', async () => {
  const mem = new MemoryHost({
    '/ws/nginx.conf': 'http { include /etc/nginx/snippets/ssl.conf; include ../../secret/x.conf; server { listen 443 ssl; server_name a.example.com; } }\n',
    '/etc/nginx/snippets/ssl.conf': 'ssl_protocols TLSv1;\n',
    '/secret/x.conf': 'ssl_protocols SSLv3;\n',
    '/mapped/snippets/tls.conf': 'ssl_protocols TLSv1.2;\n',
  });
  const touched: string[] = [];
  const policy = resolvePolicy({ pathMappings: { '/srv/nginx/': '/mapped/' } });
  const host = confinedTo(counting(mem, touched), ['/ws'], policy);
  assert.equal(host.outside('/etc/nginx/snippets/ssl.conf'), true);
  assert.equal(host.outside('/ws/../secret/x.conf'), true);
  assert.equal(host.outside('/ws/nginx.conf'), false);
  assert.equal(host.outside('/mapped/snippets/tls.conf'), false);
  await assert.rejects(host.readFile('/etc/nginx/snippets/ssl.conf'), /not in the workspace/);
  assert.equal(await host.stat('/secret/x.conf'), undefined);
  assert.ok((await host.stat('/ws/nginx.conf'))?.isFile);
  assert.deepEqual(touched.filter((p) => !p.startsWith('/ws')), [], 'the host below was never asked about a path outside');
});
