/**
 * A DMN 1.3 decision table as the runtime holds it: plain JSON read once from the .dmn at
 * publish (dmn-parse.ts), stored with the version, evaluated by evaluate.ts.
 */

export const HIT_POLICIES = ['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER'] as const;
export type HitPolicy = (typeof HIT_POLICIES)[number];

export const AGGREGATIONS = ['SUM', 'MIN', 'MAX', 'COUNT'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** typeRefs whose values are checked and converted; any other typeRef is refused at publish. */
export const TYPE_REFS = ['string', 'number', 'integer', 'long', 'double', 'boolean', 'date', 'dateTime', 'time', 'duration', 'Any'] as const;

export interface DecisionInput {
  id: string;
  label: string;
  /** FEEL expression over the case variables. */
  expression: string;
  typeRef?: string;
}

export interface DecisionOutput {
  id: string;
  /** The key of the value in a rule's result (camunda `name`); falls back to the id. */
  name: string;
  label: string;
  typeRef?: string;
  /** PRIORITY / OUTPUT ORDER: the allowed values, highest priority first (as FEEL texts). */
  values?: string[];
}

export interface DecisionRule {
  id: string;
  description?: string;
  /** One unary-tests text per input; '-' matches anything. */
  inputEntries: string[];
  /** One FEEL expression per output; '' is null. */
  outputEntries: string[];
}

/** A type, not an interface: it is served as a free-form JSON object (index signature). */
export type DecisionTable = {
  /** The decision id: the published key. */
  id: string;
  name: string;
  hitPolicy: HitPolicy;
  aggregation?: Aggregation;
  inputs: DecisionInput[];
  outputs: DecisionOutput[];
  rules: DecisionRule[];
  /** Decisions of the same file whose results this one reads, by id (DRG information requirements). */
  requires: string[];
};

/** One matched rule's outputs by output name. */
export type RuleResult = Record<string, unknown>;

export interface DecisionProblem {
  code: string;
  message: string;
  /** The DMN element (decision, rule, input...) the problem is about. */
  elementId?: string;
}
