import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, normalizeSettings, type TlsLensSettings } from '../shared/settings';

/**
 * Settings pulled from the client per resource (`workspace/configuration`), cached per
 * URI and dropped whenever the client says they changed. Clients without pull support
 * get the settings pushed in `didChangeConfiguration`, or the defaults.
 */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<TlsLensSettings>>();
  private pushed: TlsLensSettings = DEFAULT_SETTINGS;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: () => boolean,
  ) {}

  get(uri: string): Promise<TlsLensSettings> {
    if (!this.canPull()) return Promise.resolve(this.pushed);
    let p = this.cache.get(uri);
    if (!p) {
      p = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'tlsLens' }).then(
        (raw: unknown) => normalizeSettings(raw),
        () => DEFAULT_SETTINGS,
      );
      this.cache.set(uri, p);
    }
    return p;
  }

  /** Called on `workspace/didChangeConfiguration`. */
  changed(pushed: unknown): void {
    this.cache.clear();
    const section = pushed && typeof pushed === 'object' ? (pushed as Record<string, unknown>)['tlsLens'] : undefined;
    if (section !== undefined) this.pushed = normalizeSettings(section);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
