import type { TlsProtocol } from './profiles';

/** One profile of Mozilla's Server Side TLS guidelines, as generated into mozilla.ts. */
export interface MozillaProfileData {
  name: 'modern' | 'intermediate' | 'legacy';
  /** e.g. "Mozilla Server Side TLS 6.0, intermediate". */
  source: string;
  href: string;
  protocols: TlsProtocol[];
  /** TLS 1.2 and older suites, OpenSSL and IANA names, in the recommended order. */
  ciphers: { openssl: string[]; iana: string[] };
  /** TLS 1.3 suites. */
  ciphersuites: string[];
  /** Key exchange groups (curves), in order of preference. */
  groups: string[];
  certificateTypes: string[];
  certificateSignatures: string[];
  certificateCurves: string[];
  rsaKeySize: number | null;
  dhParamSize: number | null;
  ecdhParamSize: number | null;
  /** Seconds. */
  hstsMinAge: number;
  maximumCertificateLifespanDays: number;
  recommendedCertificateLifespanDays: number;
  ocspStaple: boolean;
  serverPreferredOrder: boolean;
  oldestClients: string[];
}
