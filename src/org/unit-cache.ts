import type { UnitNames } from '../dossiers/portal-snapshot.js';
import type { Unit } from './types.js';

/**
 * Units change rarely and are needed synchronously inside commits (portal snapshots):
 * keep them in memory, reloaded on a timer and after every change this replica makes.
 */
export function createUnitCache(load: () => Promise<Unit[]>, refreshMs = 30_000) {
  let byId = new Map<string, Unit>();
  let timer: NodeJS.Timeout | null = null;
  const refresh = async () => {
    byId = new Map((await load()).map((u) => [u.id, u] as const));
  };
  const names: UnitNames = {
    name: (id) => (id ? (byId.get(id)?.name ?? id) : ''),
    code: (id) => (id ? (byId.get(id)?.code ?? id) : ''),
  };
  return {
    ...names,
    get: (id: string) => byId.get(id) ?? null,
    refresh,
    async start() {
      await refresh();
      timer = setInterval(() => void refresh().catch(() => undefined), refreshMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

export type UnitCache = ReturnType<typeof createUnitCache>;
