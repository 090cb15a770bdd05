import type * as Yaml from 'yaml';

let yamlLib: typeof Yaml | undefined;

/** The `yaml` package, loaded on first use (most runs of the nginx rules never need it). */
export function yaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load
  return (yamlLib ??= require('yaml') as typeof Yaml);
}

/** The options every parse of a manifest uses (duplicate keys are not errors: the first one counts, as for kubectl). */
export const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false } as const;
