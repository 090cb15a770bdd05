/**
 * Where a probed name is defined among the workspace's manifests: Ingress `spec.tls[].hosts`
 * (served on 443 by the controller), Gateway API HTTPS/TLS listeners (`hostname`, `port`)
 * and Istio Gateway servers with `tls` (`hosts`, `port.number`); and where each live
 * finding's setting lives (the Secret reference, the ingress-nginx controller ConfigMap,
 * Istio's `tls` fields).
 */
import { listenerSecretRefs } from '../../formats/kube/gatewayApi';
import { INGRESS_KINDS, ingressTls } from '../../formats/kube/ingress';
import { credentialNamespaces, gatewayServers, hostPart, isSecretResolution, resolveCredential } from '../../formats/kube/istio';
import type { KNode } from '../../formats/kube/node';
import { K, resolveSecret, type SecretResolution } from '../../formats/kube/refs';
import { describeResource, type KubeResource } from '../../formats/kube/resources';
import { isControllerConfig } from '../../rules/ingress/controller-config';
import { KubeView, type KubeIndex } from '../../workspace/index';
import type { Located } from './nginx';
import type { ConfigDefinition, ConfigLink, ConfiguredCertificate } from './types';
import { dnsNameMatches } from '../../x509/names';

/**
 * How a manifest host pattern matches a name: exact, Istio's `*`, or `*.domain`. What the
 * wildcard covers depends on the kind: one label for an Ingress (Kubernetes Ingress docs:
 * `*.foo.com` matches `bar.foo.com`, not `baz.bar.foo.com`), any number of labels for a
 * Gateway API listener (a suffix match, gateway-api "Hostnames" concept page) and an Istio
 * Gateway host (Istio matches wildcard hosts by suffix). Never the bare domain.
 */
export function hostPatternMatch(pattern: string, name: string, wildcard: 'one-label' | 'suffix' = 'one-label'): 'exact' | 'wildcard' | undefined {
  const p = pattern.trim().toLowerCase().replace(/\.$/, '');
  const h = name.trim().toLowerCase().replace(/\.$/, '');
  if (!p || !h) return undefined;
  if (p === h) return 'exact';
  if (p === '*') return 'wildcard';
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    if (wildcard === 'suffix') return h.endsWith(suffix) && h.length > suffix.length ? 'wildcard' : undefined;
    return dnsNameMatches(p, h) ? 'wildcard' : undefined;
  }
  return undefined;
}

function at(r: KubeResource, node: KNode, label: string): ConfigLink {
  return { file: r.file, range: node.exists || node.present ? node.at : r.nameRange, label };
}

/** The configured certificate behind a Secret reference. */
function fromResolution(res: SecretResolution, ref: ConfigLink, namespace: string | undefined, name: string): { cert: ConfiguredCertificate; source?: ConfigLink } {
  const cert: ConfiguredCertificate = { at: ref };
  const secretName = describeResource({ kind: 'Secret', name }, namespace);
  switch (res.kind) {
    case 'secret': {
      const leaf = res.tls.certs[0];
      const source = at(res.secret, res.tls.certNode ?? res.secret.root, `${secretName} · ${res.tls.certKey ?? 'tls.crt'}`);
      if (leaf) {
        cert.sha256 = leaf.sha256Fingerprint;
        cert.subject = leaf.subject;
      } else cert.note = `${secretName} ${res.tls.problem ?? 'holds no certificate'}`;
      return { cert, source };
    }
    case 'certificate':
      cert.note = `${secretName} is written at run time by cert-manager ${describeResource(res.certificate, res.certificate.namespace)}: its certificate is not in the workspace`;
      return { cert, source: at(res.certificate, res.certificate.spec.get('dnsNames'), `${describeResource(res.certificate, res.certificate.namespace)} dnsNames`) };
    case 'generated':
      cert.note = `${secretName} is made by ${describeResource(res.by, res.by.namespace)}: its contents are not in the workspace`;
      return { cert, source: at(res.by, res.by.root.get('kind'), describeResource(res.by, res.by.namespace)) };
    default:
      cert.note = `${secretName} is not in the workspace`;
      return { cert };
  }
}

/** ingress-nginx controller ConfigMap keys (ingress-nginx docs, ConfigMap) for each finding. */
const CONTROLLER_KEYS: Record<string, { keys: string[]; dflt: string }> = {
  'probe/weak-protocol': { keys: ['ssl-protocols'], dflt: 'ssl-protocols (ingress-nginx default "TLSv1.2 TLSv1.3")' },
  'probe/weak-cipher': { keys: ['ssl-ciphers'], dflt: 'ssl-ciphers (ingress-nginx default: an ECDHE/AEAD list)' },
  'probe/no-forward-secrecy': { keys: ['ssl-ciphers'], dflt: 'ssl-ciphers (ingress-nginx default: an ECDHE/AEAD list)' },
  'probe/missing-hsts': { keys: ['hsts', 'hsts-max-age', 'hsts-include-subdomains'], dflt: 'hsts / hsts-max-age (ingress-nginx default: on, 31536000)' },
  'probe/ocsp-staple': { keys: ['enable-ocsp'], dflt: 'enable-ocsp (ingress-nginx default "false")' },
};

const CERT_RULES = new Set(['probe/certificate-expiry', 'probe/weak-certificate', 'probe/hostname-mismatch', 'probe/untrusted-chain', 'probe/certificate-differs']);

function ingresses(view: KubeView, name: string, port: number): Located[] {
  if (port !== 443) return [];
  const out: Located[] = [];
  const controllerMaps = view.ofKind(K.configMap).filter((c) => isControllerConfig(c.name, view.namespaceOf(c)));
  for (const ing of INGRESS_KINDS.flatMap((k) => view.ofKind(k))) {
    const ns = view.namespaceOf(ing);
    for (const entry of ingressTls(ing)) {
      const host = entry.hosts.map((h) => ({ h, m: hostPatternMatch(h.value, name) })).find((x) => x.m);
      if (!host) continue;
      const title = describeResource(ing, ns);
      const definition: ConfigDefinition = { kind: 'ingress', title, at: at(ing, host.h.node, `tls hosts: ${host.h.value}`), match: host.m! };
      const certLinks: ConfigLink[] = [];
      if (entry.secretName) {
        const { cert, source } = fromResolution(resolveSecret(view, ns, entry.secretName), at(ing, entry.secretNode, `secretName: ${entry.secretName}`), ns, entry.secretName);
        definition.certificate = [cert];
        certLinks.push(cert.at);
        if (source) certLinks.push(source);
      } else {
        certLinks.push(at(ing, entry.entry, 'no secretName: the controller serves its default certificate'));
      }
      const locate = (ruleId: string): ConfigLink[] => {
        if (CERT_RULES.has(ruleId)) return certLinks;
        const keys = CONTROLLER_KEYS[ruleId];
        if (!keys) return [];
        const links: ConfigLink[] = [];
        for (const cm of controllerMaps) {
          for (const k of keys.keys) {
            const n = cm.root.get('data', k);
            if (n.present) links.push(at(cm, n, `${describeResource(cm, view.namespaceOf(cm))} ${k}: ${n.str() ?? ''}`));
          }
        }
        if (links.length) return links;
        const cm = controllerMaps[0];
        if (cm) return [at(cm, cm.root.get('data'), `no ${keys.dflt} in ${describeResource(cm, view.namespaceOf(cm))}`)];
        return [at(ing, host.h.node, `set by the ingress controller: ${keys.dflt} in its ConfigMap (not in the workspace)`)];
      };
      out.push({ definition, locate });
    }
  }
  return out;
}

function gatewayApi(view: KubeView, name: string, port: number): Located[] {
  const out: Located[] = [];
  for (const gw of view.ofKind(K.gateway)) {
    const ns = view.namespaceOf(gw);
    for (const l of gw.spec.get('listeners').items()) {
      const protocol = (l.get('protocol').str() ?? '').toUpperCase();
      if (protocol !== 'HTTPS' && protocol !== 'TLS') continue;
      if (l.get('port').num() !== port) continue;
      const hostname = l.get('hostname');
      const m = hostname.str() ? hostPatternMatch(hostname.str()!, name, 'suffix') : 'wildcard';
      if (!m) continue;
      const listenerName = l.get('name').str() ?? '?';
      const title = `${describeResource(gw, ns)} listener ${listenerName}`;
      const definition: ConfigDefinition = { kind: 'gateway', title, at: at(gw, hostname.present ? hostname : l.get('name'), hostname.str() ? `hostname: ${hostname.str()!}` : `listener ${listenerName} (no hostname: every name)`), match: m };
      const certs: ConfiguredCertificate[] = [];
      const certLinks: ConfigLink[] = [];
      for (const ref of listenerSecretRefs(view, gw, l)) {
        const { cert, source } = fromResolution(ref.resolution, at(gw, ref.ref.get('name'), `certificateRefs: ${ref.name}`), ref.namespace, ref.name);
        certs.push(cert);
        certLinks.push(cert.at);
        if (source) certLinks.push(source);
      }
      if (certs.length) definition.certificate = certs;
      const tls = l.get('tls');
      const locate = (ruleId: string): ConfigLink[] => {
        if (CERT_RULES.has(ruleId)) return certLinks.length ? certLinks : [at(gw, tls, 'no certificateRefs')];
        if (ruleId === 'probe/weak-protocol' || ruleId === 'probe/weak-cipher' || ruleId === 'probe/no-forward-secrecy') {
          const options = l.get('tls', 'options');
          return [at(gw, options.present ? options : tls, 'the Gateway API has no version or suite field: the implementation decides (its tls.options keys, or its own configuration)')];
        }
        return [];
      };
      out.push({ definition, locate });
    }
  }
  return out;
}

function istio(view: KubeView, name: string, port: number): Located[] {
  const out: Located[] = [];
  for (const gw of view.ofKind(K.istioGateway)) {
    const ns = view.namespaceOf(gw);
    for (const s of gatewayServers(gw)) {
      if (!s.tls.exists || s.protocol === 'HTTP' || s.port !== port) continue;
      const mode = (s.tls.get('mode').str() ?? 'SIMPLE').toUpperCase();
      if (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') continue;
      const host = s.hosts.map((h) => ({ h, m: hostPatternMatch(hostPart(h.value), name, 'suffix') })).find((x) => x.m);
      if (!host) continue;
      const title = `${describeResource(gw, ns)} server ${s.index + 1}`;
      const definition: ConfigDefinition = { kind: 'istio', title, at: at(gw, host.h.node, `hosts: ${host.h.value}`), match: host.m! };
      const certLinks: ConfigLink[] = [];
      const cred = s.tls.get('credentialName');
      const credName = cred.str();
      if (credName) {
        const { namespaces } = credentialNamespaces(view, gw);
        const res = resolveCredential(view, namespaces, credName, isSecretResolution) ?? resolveSecret(view, namespaces[0], credName);
        const { cert, source } = fromResolution(res, at(gw, cred, `credentialName: ${credName}`), namespaces[0], credName);
        definition.certificate = [cert];
        certLinks.push(cert.at);
        if (source) certLinks.push(source);
      } else {
        const file = s.tls.get('serverCertificate');
        certLinks.push(at(gw, file.present ? file : s.tls, file.str() ? `serverCertificate: ${file.str()!} (a file in the gateway pod)` : 'no credentialName'));
      }
      const field = (keys: string[], missing: string): ConfigLink[] => {
        const links = keys
          .map((k) => ({ k, n: s.tls.get(k) }))
          .filter((x) => x.n.present)
          .map((x) => at(gw, x.n, `tls.${x.k}: ${x.n.str() ?? x.n.strings().map((v) => v.value).join(', ')}`));
        return links.length ? links : [at(gw, s.tls, missing)];
      };
      const locate = (ruleId: string): ConfigLink[] => {
        if (CERT_RULES.has(ruleId)) return certLinks;
        if (ruleId === 'probe/weak-protocol') return field(['minProtocolVersion'], "no tls.minProtocolVersion: Istio's default (TLSv1_2) applies");
        if (ruleId === 'probe/weak-cipher' || ruleId === 'probe/no-forward-secrecy') return field(['cipherSuites'], "no tls.cipherSuites: Envoy's default suites apply");
        return [];
      };
      out.push({ definition, locate });
    }
  }
  return out;
}

/** Every manifest definition of `name` on `port`. */
export function locateInManifests(index: KubeIndex, name: string, port: number): Located[] {
  const view = new KubeView('', { resources: [], notes: [], aliasBudget: { used: 0, exceeded: false } }, index);
  return [...ingresses(view, name, port), ...gatewayApi(view, name, port), ...istio(view, name, port)];
}
