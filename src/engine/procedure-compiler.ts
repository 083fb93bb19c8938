import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import { buildCatalog, type Catalog } from './catalog.js';
import { dropMessageFlows } from './moddle.js';
import { inclusiveBlocksOf } from './inclusive-blocks.js';
import { inclusiveGatewayType } from './inclusive-gateway.js';
import { stripTriggers } from './event-starts.js';

/** A procedure version ready to run: parsed once, shared by every engine of that version. */
export interface CompiledProcedure {
  key: string;
  version: number;
  sourceContext: unknown;
  catalog: Catalog;
}

/** bpmn-elements' types, with the inclusive gateway of this procedure's blocks (inclusive-gateway.ts). */
function typeResolverFor(elementsById: Record<string, unknown>) {
  const { joinOf, forkOf } = inclusiveBlocksOf(elementsById);
  return TypeResolver({ ...(Elements as unknown as Record<string, unknown>), InclusiveGateway: inclusiveGatewayType(joinOf, forkOf) });
}

interface ModdleContext {
  rootElement: { id?: string; rootElements?: { $type: string; id: string; isExecutable?: boolean }[] };
  elementsById: Record<string, unknown>;
}

/**
 * The engine runs only processes marked executable, and bpmn.io marks none by default;
 * the published key is the one process we run, so it is made the only executable one.
 * Definitions need an id for state recovery to find their source again.
 */
function prepare(key: string, moddleContext: ModdleContext): void {
  dropMessageFlows(moddleContext);
  const root = moddleContext.rootElement;
  root.id ??= `${key}_definitions`;
  for (const element of root.rootElements ?? []) {
    if (element.$type === 'bpmn:Process') element.isExecutable = element.id === key;
  }
}

export function compileProcedure(key: string, version: number, moddleContext: unknown): CompiledProcedure {
  const context = moddleContext as ModdleContext;
  prepare(key, context);
  const sourceContext = serializer(context as never, typeResolverFor(context.elementsById));
  const catalog = buildCatalog(context.elementsById);
  // Message and timer starts of event sub-processes, timer starts: armed by the service.
  const armed = [...catalog.values()].filter((i) => i.timerStart || (i.eventSubProcess?.startId === i.id && (i.trigger === 'message' || i.trigger === 'timer')));
  stripTriggers(sourceContext, new Set(armed.map((i) => i.id)));
  return { key, version, sourceContext, catalog };
}
