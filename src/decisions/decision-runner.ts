import { PermanentPluginError, type Plugin } from '../plugins/plugin-host.js';
import { EXPRESSION_LIMIT, ExpressionLimitError } from '../engine/feel-sandbox.js';
import { DomainError } from '../domain/errors.js';
import { DECISION_TOPIC, mapDecisionResult, type DecisionTaskSpec } from './decision-task.js';
import { evaluateDecision } from './evaluate.js';
import { DecisionEvaluationError, type EvaluationBudget } from './feel-bounded.js';
import type { ResolvedDecision } from './decision-service.js';

/*
 * Business rule tasks run as service tasks of the topic DECISION_TOPIC (the catalog gives
 * them that topic), so they get the service-task job, its retry of the commit and its
 * incident path. A decision never succeeds on a second try with the same data: every
 * failure is permanent and becomes an incident with the failure's code at once.
 */

/** A failure of a business rule task: the incident carries `code`. */
export class DecisionTaskError extends PermanentPluginError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DecisionRunnerDeps {
  /** The business rule task's decision spec, from the case's procedure version. */
  specOf(caseId: string, activityId: string): Promise<DecisionTaskSpec | undefined>;
  resolve(key: string, version?: number): Promise<ResolvedDecision>;
  budget?: EvaluationBudget;
}

export function createDecisionRunner(deps: DecisionRunnerDeps): Plugin {
  return {
    name: DECISION_TOPIC,
    description: 'Evaluates the DMN decision of a business rule task (src/decisions)',
    async run(ctx) {
      const spec = await deps.specOf(ctx.caseId, ctx.activityId);
      if (!spec) throw new DecisionTaskError('DECISION_NOT_FOUND', `<${ctx.activityId}> names no decision / tác vụ không chỉ định bảng quyết định`);
      let decision: ResolvedDecision;
      try {
        decision = await deps.resolve(spec.decisionRef, spec.binding === 'version' ? spec.version : undefined);
      } catch (err) {
        if (err instanceof DomainError && err.statusCode === 404) {
          const which = spec.binding === 'version' ? `${spec.decisionRef}@${spec.version ?? '?'}` : spec.decisionRef;
          throw new DecisionTaskError('DECISION_NOT_FOUND', `decision '${which}' is not published / chưa đăng bảng quyết định '${which}'`);
        }
        throw err; // the store: a transient failure, retried
      }
      try {
        const outcome = evaluateDecision(decision.tables, spec.decisionRef, { ...ctx.variables }, deps.budget);
        ctx.log.info({ decision: `${decision.key}@${decision.version}`, matchedRules: outcome.matchedRules }, 'decision evaluated');
        return { [spec.resultVariable]: mapDecisionResult(outcome, spec) };
      } catch (err) {
        if (err instanceof ExpressionLimitError) throw new DecisionTaskError(EXPRESSION_LIMIT, err.message);
        if (err instanceof DecisionEvaluationError) throw new DecisionTaskError(err.code, `${decision.key}@${decision.version}: ${err.message}`);
        throw new DecisionTaskError('DECISION_EVALUATION_FAILED', `${decision.key}@${decision.version}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}
