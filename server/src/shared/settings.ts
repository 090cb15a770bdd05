/**
 * The `tlsLens.*` settings contract shared by the client and the server. package.json
 * declares the same keys with descriptions; the server pulls them per resource.
 */
export interface TlsLensSettings {
  enable: boolean;
  profile: 'modern' | 'intermediate' | 'legacy';
  rules: Record<string, string>;
  policyFile: string;
  maxFileSizeKb: number;
  lintDelayMs: number;
  /** CodeLens above each certificate and private key (`tlsLens.codeLens`). */
  codeLens: boolean;
  /** Server path prefix → workspace folder (relative to the workspace folder), for files nginx names. */
  pathMappings: Record<string, string>;
}

export const DEFAULT_SETTINGS: TlsLensSettings = {
  enable: true,
  profile: 'intermediate',
  rules: {},
  policyFile: '',
  maxFileSizeKb: 2048,
  lintDelayMs: 200,
  codeLens: true,
  pathMappings: {},
};

/** Fills in defaults for anything missing or of the wrong type in what the client sent. */
export function normalizeSettings(raw: unknown): TlsLensSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof TlsLensSettings, unknown>>;
  const s: TlsLensSettings = { ...DEFAULT_SETTINGS, rules: {}, pathMappings: {} };
  if (typeof r.enable === 'boolean') s.enable = r.enable;
  if (r.profile === 'modern' || r.profile === 'intermediate' || r.profile === 'legacy') s.profile = r.profile;
  if (r.rules && typeof r.rules === 'object') {
    for (const [k, v] of Object.entries(r.rules as Record<string, unknown>)) if (typeof v === 'string') s.rules[k] = v;
  }
  if (typeof r.policyFile === 'string') s.policyFile = r.policyFile;
  if (typeof r.maxFileSizeKb === 'number' && r.maxFileSizeKb > 0) s.maxFileSizeKb = r.maxFileSizeKb;
  if (typeof r.codeLens === 'boolean') s.codeLens = r.codeLens;
  if (r.pathMappings && typeof r.pathMappings === 'object') {
    for (const [k, v] of Object.entries(r.pathMappings as Record<string, unknown>)) if (typeof v === 'string' && k.startsWith('/')) s.pathMappings[k] = v;
  }
  if (typeof r.lintDelayMs === 'number' && r.lintDelayMs >= 0) s.lintDelayMs = Math.min(r.lintDelayMs, 5000);
  return s;
}
