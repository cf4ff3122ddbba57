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
