/** The probe's public surface for the fronts (CLI, language server). */
export { DEFAULT_PROBE_OPTIONS, parseTarget, probeEndpoint, type ProbeSteps, type ScanStep } from './probe';
export { buildProbeReport, probeErrorReport, probeReportText, type ProbeErrorReport, type ProbeReport, type ProbeReportCertificate } from './report';
export { chooseProtocol, parseStarttlsName, PROTOCOL_OPTION_NAMES, type ProtocolChoice, type ProtocolOption } from './starttls/ports';
export { clientKeyProblem } from './clientKey';
export { gradeProbe, explainGrade, type ProbeGrade, type GradeLetter } from './grade';
export { probeFindings } from './verdicts';
export { ProbeError, STARTTLS_PROTOCOLS, type ProbeErrorCode, type ProbeOptions, type ProbeResult, type ProbeTarget, type ScanResult, type StarttlsProtocol } from './types';
