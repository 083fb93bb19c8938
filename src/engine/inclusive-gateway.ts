import { Activity, ActivityError } from 'bpmn-elements';

/*
 * Inclusive gateways, replacing bpmn-elements' own: its InclusiveGateway does not join at all
 * (it fires once per arriving token), and its parallel join counts a branch as done when a
 * discard arrives from it first (bpmn-engine issue 200: a branch through an exclusive merge,
 * a loop, a skipped path). Here the join ignores discards and counts tokens instead:
 * - the fork evaluates its flows (every condition that holds; the default flow when none
 *   does; error INCLUSIVE_NO_FLOW when none holds and there is no default), then, before
 *   any branch runs, queues an `inclusive.expect` message with the number of branches taken
 *   into its join's inbound queue;
 * - the join holds that message and the arriving tokens unacknowledged (so they are in the
 *   engine state and survive persist/resume) and fires when the tokens reach the count.
 * Only blocks closed as inclusive-blocks.ts checks are paired; a fork without a join only splits.
 */

export const INCLUSIVE_NO_FLOW = 'INCLUSIVE_NO_FLOW';
const EXPECT = 'inclusive.expect';

interface Message {
  fields: { routingKey: string };
  content: Record<string, unknown> & { sourceId?: string; discardSequence?: string[]; expected?: number; executionId?: string };
  ack(): void;
}

interface ActivityLike {
  id: string;
  type: string;
  broker: {
    publish(exchange: string, routingKey: string, content: unknown, options?: unknown): void;
    getQueue(name: string): { queueMessage(fields: { routingKey: string }, content: unknown, properties?: unknown): void };
    cancel(tag: string): void;
  };
  context: { getActivityById(id: string): ActivityLike | undefined };
  evaluateOutbound(message: unknown, takeOne: boolean, cb: (err: Error | null, outbound?: { id: string; action: string }[]) => void): void;
  run(content: unknown): void;
  _runDiscard(content: unknown): void;
  logger: { debug(...args: unknown[]): void };
}

type ActivityCtor = new (behaviour: unknown, def: unknown, context: unknown) => ActivityLike;
const ActivityClass = Activity as unknown as ActivityCtor;
const kMessageHandlers = Symbol.for('messageHandlers');

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? {})) as T;

/** An element type for bpmn-elements' TypeResolver, knowing this procedure's fork → join pairs. */
export function inclusiveGatewayType(joinOf: ReadonlyMap<string, string>, forkOf: ReadonlyMap<string, string>) {
  return function InclusiveGateway(activityDef: { id: string }, context: unknown): ActivityLike {
    const forkId = forkOf.get(activityDef.id);
    const joinId = joinOf.get(activityDef.id);
    // A paired join is flagged as a parallel join so the engine hands it every inbound message.
    const def = forkId ? { ...activityDef, isParallelGateway: true } : activityDef;
    const activity = new ActivityClass(ForkBehaviour(joinId), def, context);
    if (forkId) {
      const handlers = (activity as unknown as Record<symbol, { onInbound: unknown }>)[kMessageHandlers];
      if (handlers) handlers.onInbound = joinInbound(activity, forkId);
    }
    return activity;
  };
}

function ForkBehaviour(joinId: string | undefined) {
  return function InclusiveGatewayBehaviour(this: { execute(m: Message): void }, activity: ActivityLike) {
    this.execute = (executeMessage: Message) => {
      const content = executeMessage.content;
      activity.evaluateOutbound(executeMessage, false, (err, outbound) => {
        if (err || !outbound) {
          const none = /no conditional flow taken/.test(err?.message ?? '');
          const error = none
            ? Object.assign(
                new ActivityError(
                  `${INCLUSIVE_NO_FLOW}: no condition of inclusive gateway <${activity.id}> holds and it has no default flow / ` +
                    `không điều kiện nào của cổng bao hàm <${activity.id}> đúng và cổng không có luồng mặc định`,
                  executeMessage,
                ),
                { code: INCLUSIVE_NO_FLOW },
              )
            : (err ?? new ActivityError(`inclusive gateway <${activity.id}> could not evaluate its flows`, executeMessage));
          activity.broker.publish('execution', 'execute.error', { ...clone(content), error });
          return;
        }
        const taken = outbound.filter((f) => f.action === 'take').length;
        const join = joinId ? activity.context.getActivityById(joinId) : undefined;
        if (join) {
          join.broker
            .getQueue('inbound-q')
            .queueMessage({ routingKey: EXPECT }, { id: activity.id, sourceId: activity.id, expected: taken, executionId: content.executionId });
        }
        activity.broker.publish('execution', 'execute.completed', { ...clone(content), outbound });
      });
    };
  };
}

/** The join's inbound handler: hold the fork's count and the tokens; fire at the count. */
function joinInbound(join: ActivityLike, forkId: string) {
  const held: Message[] = [];
  return function onInclusiveJoinInbound(routingKey: string, message: Message): void {
    if (routingKey === 'flow.discard' || routingKey === 'activity.discard') {
      message.ack();
      const sequence = message.content.discardSequence ?? [];
      const inbound = [clone(message.content)];
      // The whole block lies on a path not taken (the fork itself was discarded): pass that on.
      if (sequence.indexOf(forkId) > 0) return join._runDiscard({ inbound, discardSequence: sequence.slice() });
      // A branch not taken, or a path skipped inside a branch: not a token. Discarded without
      // passing it on, so the process stops tracking that flow and nothing downstream counts it.
      return join._runDiscard({ inbound, ignoreOutbound: true });
    }
    if (routingKey !== EXPECT && routingKey !== 'flow.take') {
      message.ack();
      return;
    }
    // The same message comes again when the join listens anew (after a stop): count it once.
    const key = `${routingKey}:${String(message.content.sequenceId ?? message.content.executionId ?? '')}`;
    const again = held.findIndex((m) => `${m.fields.routingKey}:${String(m.content.sequenceId ?? m.content.executionId ?? '')}` === key);
    if (again >= 0) held.splice(again, 1);
    held.push(message);
    const expect = held.find((m) => m.fields.routingKey === EXPECT);
    const tokens = held.filter((m) => m.fields.routingKey === 'flow.take');
    const expected = Number(expect?.content.expected ?? 0);
    if (!expect || tokens.length < expected) {
      join.logger.debug(`<${join.id}> inclusive join: ${tokens.length} of ${expect ? expected : '?'} branches arrived`);
      return;
    }
    const used = [expect, ...tokens.slice(0, expected)];
    for (const m of used) {
      m.ack();
      held.splice(held.indexOf(m), 1);
    }
    join.broker.cancel('_run-on-inbound');
    // Tokens beyond the count belong to a later activation: they are delivered again when the join listens anew.
    held.length = 0;
    join.run({ inbound: used.slice(1).map((m) => clone(m.content)) });
  };
}
