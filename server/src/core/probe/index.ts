/** The probe's public surface for the fronts (CLI, language server). */
export { DEFAULT_PROBE_OPTIONS, parseTarget, probeEndpoint, type ProbeSteps, type ScanStep } from './probe';
export { buildProbeReport, probeReportText, type ProbeReport, type ProbeReportCertificate } from './report';
export { gradeProbe, explainGrade, type ProbeGrade, type GradeLetter } from './grade';
export { probeFindings } from './verdicts';
export { ProbeError, type ProbeOptions, type ProbeResult, type ProbeTarget, type ScanResult } from './types';
