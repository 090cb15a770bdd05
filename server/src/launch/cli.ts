// `tls-lens`: runs dist/cli.bundle.js with its code cache (see codeCache.ts).
import * as path from 'node:path';
import { runBundle } from './codeCache';

runBundle(path.join(__dirname, 'cli.bundle.js'), module);
