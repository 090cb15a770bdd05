/**
 * The certificate, key, CA and DH files an nginx document's own directives name
 * (`nginxFormat.namedMaterial`), with what `gatherNginx` read: the format-neutral `cert/*`
 * rules judge them at the path argument ("…, named by ssl_certificate,").
 */
import { fileDirectives } from '../../certs/referenced';
import type { MaterialRole, NamedMaterial } from '../format';
import type { NginxModel } from './model';

/** What each file directive's file holds for the handshake (`FILE_DIRECTIVES`). */
const ROLES: Readonly<Record<string, MaterialRole>> = {
  ssl_certificate: 'certificate',
  proxy_ssl_certificate: 'certificate',
  ssl_certificate_key: 'key',
  proxy_ssl_certificate_key: 'key',
  ssl_trusted_certificate: 'ca',
  ssl_client_certificate: 'ca',
  proxy_ssl_trusted_certificate: 'ca',
  grpc_ssl_trusted_certificate: 'ca',
  uwsgi_ssl_trusted_certificate: 'ca',
  ssl_dhparam: 'dh',
};

/** The files the document's own directives name, in document order; none when nothing was read. */
export function nginxNamedMaterial(model: NginxModel): NamedMaterial[] {
  const files = model.referencedFiles();
  if (files.size === 0) return [];
  const out: NamedMaterial[] = [];
  for (const d of fileDirectives(model.parsed().directives)) {
    const role = ROLES[d.name];
    const arg = d.args[0]!;
    if (!role) continue;
    const m: NamedMaterial = { by: d.name, role, written: arg.value, range: arg.range, keySeparate: true };
    const file = files.get(arg.value);
    if (file) m.file = file;
    out.push(m);
  }
  return out;
}
