import { createHash } from 'node:crypto';
import { checkTables } from './dmn-checks.js';
import { parseDmn } from './dmn-parse.js';
import type { DecisionProblem, DecisionTable } from './types.js';

/*
 * The publish check of a .dmn file, run in a thread of its own (check-pool.ts): parse,
 * table checks, overlap search (quadratic in the rules) and hashing never block requests.
 */

export interface CheckedDecision {
  key: string;
  name: string;
  hitPolicy: string;
  hash: string;
  /** The decision's table first, then every table it requires, transitively. */
  tables: DecisionTable[];
}

export type DecisionCheck = { ok: true; name: string; decisions: CheckedDecision[] } | { ok: false; problems: DecisionProblem[] };

function closure(id: string, byId: Map<string, DecisionTable>): DecisionTable[] {
  const order: DecisionTable[] = [];
  const seen = new Set<string>();
  const visit = (current: string) => {
    if (seen.has(current)) return;
    seen.add(current);
    const table = byId.get(current);
    if (!table) return;
    order.push(table);
    for (const next of table.requires) visit(next);
  };
  visit(id);
  return order;
}

export default async function checkDecisions(xml: string): Promise<DecisionCheck> {
  try {
    const parsed = await parseDmn(xml);
    const problems = [...parsed.problems, ...checkTables(parsed.tables)];
    if (problems.length > 0) return { ok: false, problems: problems.slice(0, 200) };
    const byId = new Map(parsed.tables.map((t) => [t.id, t] as const));
    const decisions = parsed.tables.map((table) => {
      const tables = closure(table.id, byId);
      const hash = createHash('sha256').update(JSON.stringify(tables)).digest('hex');
      return { key: table.id, name: table.name, hitPolicy: table.hitPolicy, hash, tables };
    });
    return { ok: true, name: parsed.name, decisions };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ code: 'DMN_MALFORMED', message: `the file could not be checked: ${detail.slice(0, 300)} / không kiểm tra được tệp DMN` }] };
  }
}
