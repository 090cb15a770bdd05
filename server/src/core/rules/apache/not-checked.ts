import type { Rule } from '../rule';

/**
 * Apache httpd configuration (`<VirtualHost>`, `SSLEngine` …, or a file under `apache2/` or
 * `httpd/`) lives in the same folder names as nginx's (`sites-available/`, `conf.d/`) but is
 * not nginx: it is recognised and skipped with this one note rather than read as nginx.
 */
export const apacheNotChecked: Rule = {
  id: 'apache/not-checked',
  title: 'An Apache httpd configuration: not checked (TLS Lens does not read Apache yet)',
  defaultSeverity: 'info',
  formats: ['apache'],
  check(ctx) {
    ctx.report({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      message: 'this is an Apache httpd configuration, not nginx: TLS Lens does not read Apache yet, so it is skipped (its SSLProtocol, SSLCipherSuite … are not judged)',
    });
  },
};
