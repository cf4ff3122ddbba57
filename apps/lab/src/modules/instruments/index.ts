export { abortableSleep } from './abortable-sleep.ts';
export { driverNamed, driverSettingsProblems, drivers } from './driver-registry.ts';
export type {
  ActionData,
  ActionResult,
  InstrumentDriver,
  InstrumentSession,
  InterlockReading,
  OutputValue,
} from './instrument-driver.ts';
export {
  type ActionSpec,
  type ArgumentSpec,
  type InstrumentKind,
  type InstrumentKindName,
  instrumentKind,
  instrumentKindNames,
  instrumentKinds,
  type ValueType,
} from './instrument-kinds.ts';
export { setSimulatedLine, simulatedDaq } from './sim-daq.driver.ts';
