/**
 * The accessors `RuleContext` still has for a format whose rules read them by name
 * (`ctx.nginx()`, `ctx.nginxEffective()` …), made from that format's model so the engine only
 * knows `ctx.model(module)`. A new format needs none: its rules call `ctx.model(module)`.
 */
import type { FormatModule } from '../formats/format';
import { nginxFormat } from '../formats/nginx';
import type { RuleContext } from './rule';

export type FormatAccessors = Pick<RuleContext, 'nginx' | 'nginxEffective' | 'nginxUnknowns' | 'nginxIncludeProblems' | 'nginxReferencedFiles'>;

/** The named accessors over `model` (the lint's one model per format). */
export function formatContext(model: <M>(m: FormatModule<string, M>) => M): FormatAccessors {
  const nginx = () => model(nginxFormat);
  return {
    nginx: () => nginx().parsed(),
    nginxEffective: () => nginx().effective(),
    nginxUnknowns: () => nginx().unknowns(),
    nginxIncludeProblems: () => nginx().includeProblems(),
    nginxReferencedFiles: () => nginx().referencedFiles(),
  };
}
