/** The procedures whose newest version a message or signal starts (procedures.startTriggers, indexed). */
import type { Collection } from 'mongodb';
import type { CompiledProcedure } from '../engine/procedure-compiler.js';
import type { ProcedureDoc } from '../store/documents.js';

export interface StartTarget {
  procedureKey: string;
  procedureVersion: number;
  /** The start event the case starts from. */
  activityId: string;
}

export interface ProcedureLookup {
  latest(key: string): Promise<{ key: string; version: number }>;
  compiled(key: string, version: number): Promise<CompiledProcedure>;
}

export const startTrigger = (kind: 'message' | 'signal', name: string): string => `${kind}:${name}`;

/** Versions published before this one do not count: only a key's newest version starts cases. */
export async function startTargets(procedures: Collection<ProcedureDoc>, lookup: ProcedureLookup, kind: 'message' | 'signal', name: string): Promise<StartTarget[]> {
  const docs = await procedures.find({ startTriggers: startTrigger(kind, name) }, { projection: { key: 1, version: 1 } }).toArray();
  const targets: StartTarget[] = [];
  for (const key of [...new Set(docs.map((d) => d.key))].sort()) {
    const latest = await lookup.latest(key);
    if (!docs.some((d) => d.key === key && d.version === latest.version)) continue;
    const compiled = await lookup.compiled(key, latest.version);
    const start = [...compiled.catalog.values()].find(
      (i) => i.processStart === kind && (kind === 'message' ? i.message?.name.trim() : i.signal?.name) === name,
    );
    if (start) targets.push({ procedureKey: key, procedureVersion: latest.version, activityId: start.id });
  }
  return targets;
}
