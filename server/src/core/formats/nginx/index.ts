/**
 * nginx as a format module (`formats/format.ts`). Its model is `NginxModel` (the parse, the
 * tree with what the includes and the includer read, the effective configuration), its facts
 * what `gatherNginx` reads, the files it names `material.ts`, its Probe lens targets `targets.ts`. Detection, hover and
 * compare-with-config are still the built-in ones (`detect.ts`, `hover.ts`,
 * `probe/config/nginx.ts`): this module scores 0 and names none of them yet.
 */
import type { FormatModule } from '../format';
import { gatherNginx, type NginxFacts } from './gather';
import { NginxModel } from './model';
import { nginxNamedMaterial } from './material';
import { nginxProbeTargets } from './targets';

export { NginxModel } from './model';

export const nginxFormat: FormatModule<'nginx', NginxModel, NginxFacts> = {
  id: 'nginx',
  title: 'nginx',
  languageIds: ['nginx'],
  lineComment: '#',
  // nginx refuses a byte order mark (nginx/byte-order-mark): the text keeps it.
  keepsByteOrderMark: true,
  // The built-in patterns in detect.ts still decide (nginx.conf, conf.d/, sites-*, the sniff).
  detect: () => 0,
  candidate: () => false,
  model: ({ doc, policy, facts }) => new NginxModel(doc, policy, facts),
  gather: (input) => gatherNginx(input.host, input.path, input.doc, input.policy, input.options?.nginx),
  skipsRule: (model, ruleId) => ruleId.startsWith('nginx/') && ruleId !== 'nginx/template-skipped' && model.templateBroken(),
  isForeign: (model, range) => model.isForeign(range),
  namedMaterial: nginxNamedMaterial,
  probeTargets: nginxProbeTargets,
};
