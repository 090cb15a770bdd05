/**
 * Policy profiles. Values come from Mozilla's Server Side TLS guidelines
 * (mozilla/ssl-config-generator, src/static/guidelines/6.0.json for modern and
 * intermediate; 5.8.json for "old", kept here as `legacy`).
 */
export type TlsProtocol = 'SSLv2' | 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export type ProfileName = 'modern' | 'intermediate' | 'legacy';

export interface Profile {
  name: ProfileName;
  /** Where its values come from. */
  source: string;
  /** The protocol versions the profile allows, oldest first. */
  protocols: readonly TlsProtocol[];
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  modern: { name: 'modern', source: 'Mozilla Server Side TLS 6.0, modern', protocols: ['TLSv1.3'] },
  intermediate: {
    name: 'intermediate',
    source: 'Mozilla Server Side TLS 6.0, intermediate',
    protocols: ['TLSv1.2', 'TLSv1.3'],
  },
  legacy: {
    name: 'legacy',
    source: 'Mozilla Server Side TLS 5.8, old',
    protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
  },
};

export const DEFAULT_PROFILE: ProfileName = 'intermediate';

export function isProfileName(s: unknown): s is ProfileName {
  return s === 'modern' || s === 'intermediate' || s === 'legacy';
}
