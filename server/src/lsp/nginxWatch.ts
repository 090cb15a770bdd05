import { DidChangeWatchedFilesNotification, type ClientCapabilities, type Connection, type FileEvent } from 'vscode-languageserver/node';

/** The files an nginx configuration is made of: what the server asks the client to watch. */
export const NGINX_WATCH_GLOBS = ['**/*.conf', '**/nginx.conf', '**/sites-*/**'];

/** Whether a watched-file event is about an nginx file (a `.conf`, or anything under a `sites-*` folder). */
export function isNginxFileEvent(e: FileEvent): boolean {
  return /\.conf$/i.test(e.uri) || /\/sites-[^/]+\//.test(e.uri);
}

/** Asks the client to report changes of nginx files on disk, when it can register watchers. */
export function watchNginxFiles(connection: Connection, capabilities: ClientCapabilities): void {
  if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration !== true) return;
  connection.client
    .register(DidChangeWatchedFilesNotification.type, { watchers: NGINX_WATCH_GLOBS.map((globPattern) => ({ globPattern })) })
    .catch((e: unknown) => connection.console.warn(`TLS Lens: the client refused to watch nginx files: ${String(e)}`));
}
