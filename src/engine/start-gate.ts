import type { Catalog } from './catalog.js';

/** The start event a message or signal starts the case from, with what came with it. */
export interface StartTrigger {
  activityId: string;
  payload?: Record<string, unknown>;
}

interface GateApi {
  id: string;
  discard?(): void;
  signal?(payload?: unknown): void;
}

/**
 * bpmn-elements runs every start event of a process at once. A case runs from one: a plain
 * start leaves the message and signal starts aside, a triggered start every other start.
 * Discarded on entering (before they run or wait), taken in its own wait.
 */
export function startGate(catalog: Catalog, action: { type: string; trigger?: StartTrigger }) {
  const starting = action.type === 'start';
  const trigger = action.type === 'start' ? action.trigger : undefined;
  const kindOf = (id: string) => catalog.get(id)?.processStart;
  return {
    onEnter(api: GateApi): void {
      if (!starting) return;
      const kind = kindOf(api.id);
      if (!kind) return;
      if (trigger ? api.id !== trigger.activityId : kind === 'message' || kind === 'signal') api.discard?.();
    },
    /** True when the wait is the triggering start event's, taken here. */
    onWait(api: GateApi): boolean {
      if (!trigger || api.id !== trigger.activityId) return false;
      api.signal?.(trigger.payload ?? {});
      return true;
    },
  };
}
