/**
 * Seeds the organisation tree from a JSON file (`processes/units.json`:
 * `{ "units": [{ "id", "code", "name", "kind", "parentId" }] }`) when the collection is empty.
 * Idempotent and safe when several replicas start at once: units are created parents first,
 * and a unit another replica created meanwhile is skipped.
 */
import { readFile } from 'node:fs/promises';
import { DomainError } from '../domain/errors.js';
import type { UnitService } from './unit-service.js';
import { validateNewUnit } from './unit-service.js';
import type { NewUnit } from './types.js';

export interface SeedResult {
  /** Units created by this call. */
  created: number;
  /** Why nothing was done: the file is absent, or units exist already. */
  skipped: 'no-file' | 'not-empty' | null;
}

export class UnitSeedError extends Error {
  override name = 'UnitSeedError';
}

/** Parses and checks the seed file's content; parents come before their children in the result. */
export function parseUnitSeed(text: string, file = 'units.json'): NewUnit[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UnitSeedError(`${file}: not JSON: ${(err as Error).message}`);
  }
  const list = (parsed as { units?: unknown })?.units;
  if (!Array.isArray(list)) throw new UnitSeedError(`${file}: expected { "units": [...] }`);
  const units: NewUnit[] = list.map((raw: unknown, i) => {
    const u = (raw ?? {}) as Record<string, unknown>;
    const unit = { id: u.id, code: u.code, name: u.name, kind: u.kind, parentId: u.parentId ?? null } as NewUnit;
    try {
      validateNewUnit(unit);
    } catch (err) {
      if (err instanceof DomainError) throw new UnitSeedError(`${file}: units[${i}]: ${err.message}`);
      throw err;
    }
    return unit;
  });
  const byId = new Map<string, NewUnit>();
  const codes = new Set<string>();
  for (const unit of units) {
    if (byId.has(unit.id)) throw new UnitSeedError(`${file}: unit id '${unit.id}' appears twice`);
    if (codes.has(unit.code)) throw new UnitSeedError(`${file}: unit code '${unit.code}' appears twice`);
    byId.set(unit.id, unit);
    codes.add(unit.code);
  }
  // Parents first; a parent missing from the file or a cycle is an error.
  const ordered: NewUnit[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (unit: NewUnit, path: string[]) => {
    if (state.get(unit.id) === 'done') return;
    if (state.get(unit.id) === 'visiting') throw new UnitSeedError(`${file}: parent cycle ${[...path, unit.id].join(' → ')}`);
    state.set(unit.id, 'visiting');
    if (unit.parentId !== null) {
      const parent = byId.get(unit.parentId);
      if (!parent) throw new UnitSeedError(`${file}: unit '${unit.id}' names parent '${unit.parentId}', which is not in the file`);
      visit(parent, [...path, unit.id]);
    }
    state.set(unit.id, 'done');
    ordered.push(unit);
  };
  for (const unit of units) visit(unit, []);
  return ordered;
}

export async function seedUnits(service: UnitService, file: string): Promise<SeedResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { created: 0, skipped: 'no-file' };
    throw err;
  }
  const units = parseUnitSeed(text, file);
  if (!(await service.isEmpty())) return { created: 0, skipped: 'not-empty' };
  let created = 0;
  for (const unit of units) {
    try {
      await service.create(unit);
      created++;
    } catch (err) {
      // Another replica seeding at the same moment: its unit stands.
      if (err instanceof DomainError && err.code === 'UNIT_EXISTS') continue;
      throw err;
    }
  }
  return { created, skipped: null };
}
