export { stepWithId } from './definition-steps.ts';
export {
  type DefinitionProblem,
  parameterValueProblem,
  type ValidationContext,
  validateDefinition,
} from './definition-validator.ts';
export { type CelKind, checkExpression, type ExpressionScope } from './expression-check.ts';
export {
  type EvaluationScope,
  ExpressionError,
  evaluateExpression,
  type RunValue,
} from './expression-eval.ts';
export {
  type Step,
  stepTypeNames,
  type WorkflowDefinition,
  WorkflowDefinitionSchema,
} from './workflow-definition.schema.ts';
