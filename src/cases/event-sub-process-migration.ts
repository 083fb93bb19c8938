import type { CaseDoc } from '../domain/case.js';
import { conflict, unprocessable, type DomainError } from '../domain/errors.js';
import type { CompiledProcedure } from '../engine/procedure-compiler.js';

/**
 * What version migration refuses about event sub-processes. Work inside a running one is not
 * moved (its scope's interruption and firing record are kept by execution ids that a mapping
 * cannot follow): migrate once it has ended. An event sub-process or its start may not be
 * renamed: the armed start's wait id and its firing count are named after it, so a renamed
 * duration timer would be armed again from the migration instant. Armed starts that keep their
 * ids migrate as they are (same wait, same due instant).
 */
export function eventSubProcessMigrationProblem(current: CaseDoc, source: CompiledProcedure, mapping: Record<string, string>): DomainError | null {
  const insideEsp = (activityId: string): string | undefined => {
    const own = source.catalog.get(activityId);
    if (own?.eventSubProcess?.startId === activityId) return undefined; // an armed start: it waits outside
    let id = own?.parentId;
    for (let hops = 0; id && hops < 64; hops++) {
      const info = source.catalog.get(id);
      if (info?.eventSubProcess?.espId === id) return id;
      id = info?.parentId;
    }
    return undefined;
  };
  const running = [...new Set(current.waits.flatMap((w) => insideEsp(w.activityId) ?? []))];
  if (running.length > 0) {
    return conflict(
      'IN_EVENT_SUBPROCESS',
      `the case is inside event sub-process(es) ${running.join(', ')}; migrate when they have ended / hồ sơ đang ở trong quy trình con sự kiện, hãy chuyển phiên bản khi nó kết thúc`,
      { eventSubProcesses: running },
    );
  }
  const renamed = Object.entries(mapping).filter(([from, to]) => from !== to && source.catalog.get(from)?.eventSubProcess !== undefined);
  if (renamed.length > 0) {
    return unprocessable(
      'EVENT_SUBPROCESS_RENAMED',
      'an event sub-process and its start event keep their ids across versions: their armed waits are named after them',
      { renamed: renamed.map(([from, to]) => ({ from, to })) },
    );
  }
  return null;
}
