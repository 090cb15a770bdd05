/**
 * The format modules the engine, detection, hover, the Probe lens and "compare with config"
 * loop over (`formats/format.ts`). Adding a format: its folder `formats/<id>/` with an
 * `index.ts` exporting one `FormatModule`, one line below, and its id in `RegisteredFormatId`.
 * nginx, Kubernetes, PEM and the policy file are still built in (`detect.ts`, `engine.ts`).
 */
import type { FormatModule } from './format';
import { haproxyFormat } from './haproxy';
import { nginxFormat } from './nginx';

/** The ids of registered formats (part of `FormatKind`). */
export type RegisteredFormatId = typeof haproxyFormat.id | typeof nginxFormat.id;

let modules: readonly FormatModule[] | undefined;

/**
 * Every registered format, in registration order (which breaks detection ties). Made on
 * first use: format modules and detection import each other, so the list cannot be built
 * while the modules load.
 */
export function formatModules(): readonly FormatModule[] {
  return (modules ??= [haproxyFormat, nginxFormat]);
}

/** The registered module of a format, or undefined for a built-in one. */
export function formatModule(id: string): FormatModule | undefined {
  return formatModules().find((m) => m.id === id);
}
