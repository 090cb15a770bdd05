// The language server (`node dist/server.js --stdio`): runs dist/server.bundle.js with its code cache.
import * as path from 'node:path';
import { runBundle } from './codeCache';

runBundle(path.join(__dirname, 'server.bundle.js'), module);
