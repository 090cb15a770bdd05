/** A fleet of endpoints: the target list, sharding, the runner, the records it prints and what merge makes of them. */
export { parseTargetList, targetKey, type FleetTarget, type TargetList, type TargetListProblem } from './targets';
export { inShard, parseShardSpec, shardFromIndex, shardOfKey, type Shard } from './shard';
export { runFleet, type FleetOptions, type FleetOutcome, type FleetProbeOptions, type SingleProbe } from './run';
export { endpointPort, isErrorRecord, parseFleetRecords, recordKey, reportLeaf, type FleetErrorRecord, type FleetRecord, type FleetReportRecord, type ListedAt, type ReadRecord, type RecordProblem } from './records';
export { compareListed, fleetExitCode, fleetFindingsText, fleetRow, fleetSummaryText, sortRows, type FleetRow } from './summary';
export { fleetFindings } from './findings';
