/**
 * What the files nginx packages ship set, so an `include` of one that the workspace does
 * not hold is known content rather than an unknown. Facts, not copies: for each file only
 * the TLS directives it sets (the TLS rules track nothing else they hold).
 *
 * Source: Debian 12 "bookworm" nginx-common 1.22.1-9+deb12u11 (`apt-get download
 * nginx-common`, files under /etc/nginx/). `mime.types`, `fastcgi_params`, `fastcgi.conf`,
 * `scgi_params`, `uwsgi_params`, `koi-utf`, `koi-win` and `win-utf` also ship with nginx's
 * own source (conf/); `proxy_params` and `snippets/` are Debian's.
 */

export interface StockFile {
  /** The trailing path an include names it by (`mime.types`, `snippets/snakeoil.conf`). */
  name: string;
  /** The TLS directives it sets, as [name, ...args]. */
  sets: ReadonlyArray<readonly string[]>;
}

export const STOCK_SOURCE = 'Debian 12 nginx-common 1.22.1';

export const STOCK_FILES: readonly StockFile[] = [
  { name: 'mime.types', sets: [] },
  { name: 'fastcgi_params', sets: [] },
  { name: 'fastcgi.conf', sets: [] },
  { name: 'scgi_params', sets: [] },
  { name: 'uwsgi_params', sets: [] },
  { name: 'proxy_params', sets: [] },
  { name: 'koi-utf', sets: [] },
  { name: 'koi-win', sets: [] },
  { name: 'win-utf', sets: [] },
  // Includes fastcgi.conf; sets fastcgi_* and try_files only.
  { name: 'snippets/fastcgi-php.conf', sets: [] },
  // The ssl-cert package's self-signed pair.
  {
    name: 'snippets/snakeoil.conf',
    sets: [
      ['ssl_certificate', '/etc/ssl/certs/ssl-cert-snakeoil.pem'],
      ['ssl_certificate_key', '/etc/ssl/private/ssl-cert-snakeoil.key'],
    ],
  },
];

/** The stock file an include pattern names (by its trailing path), if any; globs name none. */
export function stockFile(pattern: string): StockFile | undefined {
  if (/[*?[]/.test(pattern)) return undefined;
  const p = pattern.replace(/\\/g, '/');
  return STOCK_FILES.find((s) => p === s.name || p.endsWith('/' + s.name));
}

export type NginxBase = 'debian' | 'official-image' | 'none';
export const NGINX_BASES: readonly NginxBase[] = ['debian', 'official-image', 'none'];

export interface StockBase {
  base: NginxBase;
  /** How findings name the file the base stands for. */
  label: string;
  /** Where that file lives on the platform. */
  path: string;
  /** The TLS directives its http block sets, as [name, ...args]. */
  http: ReadonlyArray<readonly string[]>;
}

/**
 * The stock nginx.conf of each platform, by its http block's TLS directives.
 * debian: Debian 12 nginx-common 1.22.1 /etc/nginx/nginx.conf (Ubuntu's package is the same file).
 * official-image: the official Docker image's /etc/nginx/nginx.conf, from nginx/pkg-oss
 * `debian/debian/nginx.conf` (it includes mime.types and conf.d/*.conf and sets no TLS directive).
 */
export const STOCK_BASES: Readonly<Record<Exclude<NginxBase, 'none'>, StockBase>> = {
  debian: {
    base: 'debian',
    label: "Debian/Ubuntu's stock /etc/nginx/nginx.conf (nginx-common)",
    path: '/etc/nginx/nginx.conf',
    http: [
      ['ssl_protocols', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
      ['ssl_prefer_server_ciphers', 'on'],
    ],
  },
  'official-image': {
    base: 'official-image',
    label: "the official nginx image's stock /etc/nginx/nginx.conf",
    path: '/etc/nginx/nginx.conf',
    http: [],
  },
};

/**
 * The platform a lone site file targets, from where it is: `sites-enabled/` or
 * `sites-available/` is the Debian/Ubuntu package's layout; `conf.d/` the official image's
 * (unless `hasSitesFolder` says a `sites-*` folder stands beside it, as on Debian); else none.
 */
export function baseFromLayout(file: string, hasSitesFolder = false): NginxBase {
  const p = file.replace(/\\/g, '/');
  if (/(^|\/)sites-(enabled|available)\//.test(p)) return 'debian';
  if (/(^|\/)conf\.d\//.test(p)) return hasSitesFolder ? 'debian' : 'official-image';
  return 'none';
}
