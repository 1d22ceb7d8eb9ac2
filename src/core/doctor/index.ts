/** The checks of `field doctor`: each one a verdict and a fix, from facts the adapters gathered. */
export { blocking, diagnose, exitCode, exitKind, summarize } from './doctor.js';
export type { BaseModelFact, ContextFact, DoctorFacts, FieldModelFact, Finding, ModelsFact, Problem } from './doctor.js';
