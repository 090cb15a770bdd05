/**
 * What the language status item says for a file's status (`tlsLens/status`). No vscode
 * import: unit-tested in plain Node.
 */
import { ClientCommands, plural, type FileStatus, type SettingOverride } from '../../server/src/shared/protocol';

export interface StatusView {
  text: string;
  detail: string;
  severity: 'info' | 'warning' | 'error';
  busy?: boolean;
  command?: { title: string; command: string; arguments?: unknown[] };
  /** The whole story when the detail is short (read by screen readers). */
  sentence?: string;
}

const SETTINGS = { title: 'Open Settings', command: 'workbench.action.openSettings', arguments: ['@ext:tls-lens.tls-lens'] };

/** @param overrides the overridden settings a person set (the client checks which). */
export function describeStatus(s: FileStatus, overrides: readonly SettingOverride[], relative: (path: string) => string): StatusView {
  const pf = s.policyFile;
  const open = pf ? { title: 'Open Policy File', command: ClientCommands.openPolicyFile, arguments: [pf.uri, pf.firstProblem?.line ?? 0] } : SETTINGS;
  if (!s.enabled) {
    if (s.disabledBy === 'ignore' && pf) return { text: 'TLS Lens: ignored', detail: `this file is ignored by ${relative(pf.path)}`, severity: 'info', command: open };
    return { text: 'TLS Lens: off', detail: 'tlsLens.enable is false here', severity: 'info', command: SETTINGS };
  }
  const text = `TLS Lens: ${s.profile}`;
  // The detail stays short (the status bar's hover is narrow); the sentence goes to screen readers.
  if (pf && pf.problems > 0) {
    const first = pf.firstProblem ? ` (line ${pf.firstProblem.line + 1}: ${pf.firstProblem.message})` : '';
    return {
      text,
      detail: `${relative(pf.path)}: ${plural(pf.problems, 'problem')}, not used`,
      severity: 'warning',
      command: open,
      sentence: `${relative(pf.path)} has ${plural(pf.problems, 'problem')} and is not used: the settings apply${first}`,
    };
  }
  if (pf && overrides.length) {
    const what = overrides.map((o) => `${o.setting} (${o.settingValue}) is overridden by ${o.policyValue}`).join('; ');
    const settings = [...new Set(overrides.map((o) => o.setting))];
    return { text, detail: `${settings.join(', ')} ${settings.length === 1 ? 'is' : 'are'} overridden`, severity: 'warning', command: open, sentence: `${what} in ${relative(pf.path)}` };
  }
  const version = s.nginxVersion ? `, nginx ${s.nginxVersion}` : '';
  if (pf) return { text, detail: `${relative(pf.path)}${version}`, severity: 'info', command: open };
  return { text, detail: `no policy file: the settings apply${version}`, severity: 'info', command: SETTINGS };
}
