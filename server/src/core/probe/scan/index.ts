/** The raw scanner (ClientHellos on plain sockets): see scanner.ts. */
export { scanEndpoint, SCAN_VERSIONS, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from './scanner';
export { buildClientHello, makeKeyShareKeys, type ClientHelloSpec } from './clientHello';
export { FlightReader, parseServerHello, parseCertificateMessage, parseServerKeyExchange, type Flight, type ServerHello } from './serverFlight';
export { exchange, type Endpoint, type Exchange } from './connection';
export { GROUPS, groupName, suitesFor, suiteByCode, versionName } from './constants';
