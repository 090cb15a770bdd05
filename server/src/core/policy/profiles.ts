/**
 * Policy profiles: Mozilla's Server Side TLS guidelines (mozilla/ssl-config-generator,
 * src/static/guidelines/6.0.json for modern and intermediate; 5.8.json's "old", kept as
 * `legacy` for servers that must serve very old clients). The values are generated into
 * mozilla.ts by scripts/gen-profiles.mjs.
 */
import { MOZILLA_PROFILES } from './mozilla';
import type { MozillaProfileData } from './profileData';

export type TlsProtocol = 'SSLv2' | 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export type ProfileName = 'modern' | 'intermediate' | 'legacy';

export type Profile = MozillaProfileData;

export const PROFILES: Readonly<Record<ProfileName, Profile>> = MOZILLA_PROFILES;

export const DEFAULT_PROFILE: ProfileName = 'intermediate';

export function isProfileName(s: unknown): s is ProfileName {
  return s === 'modern' || s === 'intermediate' || s === 'legacy';
}
