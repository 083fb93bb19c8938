import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a service-task plugin receives. Calls are at-least-once: use `idempotencyKey`. */
export interface PluginContext {
  caseId: string;
  activityId: string;
  /** Stable across retries of the same service-task execution. */
  idempotencyKey: string;
  /** 1 on the first try. */
  attempt: number;
  variables: Readonly<Record<string, unknown>>;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface Plugin {
  /** The topic analysts put on the service task (Implementation: External, Topic). */
  name: string;
  description?: string;
  /** The returned object is merged into the case data. */
  run(ctx: PluginContext): Promise<Record<string, unknown> | void>;
}

/** Thrown by a plugin for a failure no retry can fix: the case gets an incident at once. */
export class PermanentPluginError extends Error {
  override name = 'PermanentPluginError';
}

/**
 * Thrown by a plugin for a business outcome the diagram handles (e.g. the documents are
 * incomplete): a boundary error event with the same error code on the service task, or an
 * error event sub-process, takes the case on, with no retry. Nothing catching it, the case gets
 * an incident carrying the code. `throw new BpmnError('THIEU_GIAY_TO', 'thiếu giấy tờ')`.
 */
export class BpmnError extends Error {
  override name = 'BpmnError';

  constructor(
    /** The errorCode of the diagram's bpmn:error (Camunda Modeler: "Global error reference", "Code"). */
    readonly code: string,
    message?: string,
  ) {
    super(message ?? code);
  }
}

/** A plugin's BpmnError (also one built by another copy of this module: same name and a code). */
export function bpmnErrorOf(err: unknown): { code: string; message: string } | undefined {
  if (!(err instanceof Error) || err.name !== 'BpmnError') return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[\w.:-]{1,100}$/.test(code)) return undefined;
  return { code, message: err.message.slice(0, 1000) };
}

const isPlugin = (value: unknown): value is Plugin =>
  typeof value === 'object' && value !== null && typeof (value as Plugin).name === 'string' && typeof (value as Plugin).run === 'function';

/** Loads every module of the plugins folders whose default export is a plugin. */
export async function loadPlugins(dirs: string[]): Promise<Map<string, Plugin>> {
  const plugins = new Map<string, Plugin>();
  for (const dir of dirs) {
    const files = (await readdir(dir)).filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts')).sort();
    for (const file of files) {
      const mod = (await import(pathToFileURL(path.resolve(dir, file)).href)) as { default?: unknown };
      if (!isPlugin(mod.default)) throw new Error(`plugin file ${file} has no default export {name, run}`);
      if (plugins.has(mod.default.name)) throw new Error(`plugin name '${mod.default.name}' is defined twice (${file})`);
      plugins.set(mod.default.name, mod.default);
    }
  }
  return plugins;
}
