/**
 * The TLS judgement the Kubernetes rules use: the one shared module (`policy/tls.ts`),
 * re-exported here so the rules' imports stay as they were.
 */
export { WEAK_PROTOCOLS, examples, judgeSuites, olderThan, profileMin, suiteByName, suitesOfCipherString, weakFrom, type WeakSuites } from '../../policy/tls';
