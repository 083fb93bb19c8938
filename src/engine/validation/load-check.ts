import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import { dropMessageFlows } from '../moddle.js';

/*
 * The last line of defence: load the parsed diagram the way the runtime does
 * (moddle-context-serializer with bpmn-elements' types, then a bpmn-elements Context and
 * Definition, then every process's activities and flows), so that a diagram our rules
 * accept but the engine cannot even load is refused at publish rather than at run time.
 */

const typeResolver = TypeResolver(Elements as unknown as Record<string, unknown>);

interface LoadedProcess {
  getActivities(): unknown[];
  getSequenceFlows(): unknown[];
}

interface LoadedContext {
  getProcesses(): LoadedProcess[];
}

/**
 * bpmn-elements links every activity to its flows by scanning all flows, so instantiating
 * a diagram costs O(n²): ~0.5 s for 4 000 elements, ~3 s for 16 000. Above this many
 * activities + flows only the (linear) serializer step is checked.
 */
export const MAX_INSTANTIATED_ELEMENTS = 6000;

/** Undefined when the engine loads the diagram, else the engine's error message. */
export function engineLoadError(moddleContext: unknown): string | undefined {
  try {
    dropMessageFlows(moddleContext);
    const serialized = serializer(moddleContext as never, typeResolver) as unknown as {
      elements?: { activities?: unknown[]; sequenceFlows?: unknown[] };
    };
    const size = (serialized.elements?.activities?.length ?? 0) + (serialized.elements?.sequenceFlows?.length ?? 0);
    if (size > MAX_INSTANTIATED_ELEMENTS) return undefined;
    const ElementsAny = Elements as unknown as {
      Context: new (serialized: unknown, environment: unknown) => LoadedContext;
      Definition: new (context: LoadedContext) => unknown;
      Environment: new () => unknown;
    };
    const context = new ElementsAny.Context(serialized, new ElementsAny.Environment());
    new ElementsAny.Definition(context);
    for (const process of context.getProcesses()) {
      process.getActivities();
      process.getSequenceFlows();
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
