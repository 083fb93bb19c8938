/**
 * The organisation tree: create, rename, dissolve (the record stays, successors take over),
 * look-ups by id or agency code, and the descendants used for scope rules.
 */
import { DomainError, conflict, notFound, unprocessable } from '../domain/errors.js';
import type { UnitStore } from './unit-store.js';
import { UNIT_CODE_RE, UNIT_ID_RE, UNIT_KINDS, isActive, type NewUnit, type Unit, type UnitTreeNode } from './types.js';

export interface UnitListOptions {
  /** true: only units not dissolved; false/undefined: all. */
  active?: boolean;
}

export interface UnitService {
  ensureIndexes(): Promise<void>;
  /** True when the collection holds no unit (seeding runs only then). */
  isEmpty(): Promise<boolean>;
  /** 422 INVALID_UNIT / PARENT_UNIT_NOT_FOUND / PARENT_UNIT_DISSOLVED; 409 UNIT_EXISTS / UNIT_CODE_TAKEN. */
  create(input: NewUnit): Promise<Unit>;
  /** 404 UNIT_NOT_FOUND; 409 UNIT_DISSOLVED. */
  rename(id: string, name: string): Promise<Unit>;
  /**
   * Marks the unit dissolved at `at` with its successors (which must exist and be active).
   * 404 UNIT_NOT_FOUND; 409 UNIT_DISSOLVED (already) / UNIT_HAS_ACTIVE_CHILDREN;
   * 422 SUCCESSORS_REQUIRED / INVALID_SUCCESSOR / SUCCESSOR_NOT_FOUND / SUCCESSOR_DISSOLVED.
   * Running cases are not moved here.
   */
  dissolve(unitId: string, successorIds: string[], at?: Date, by?: string): Promise<Unit>;
  /** 404 UNIT_NOT_FOUND. */
  get(id: string): Promise<Unit>;
  find(id: string): Promise<Unit | null>;
  /** By id (slug) or agency code; 404 UNIT_NOT_FOUND. */
  resolve(idOrCode: string): Promise<Unit>;
  /** Flat, ordered by id. */
  list(options?: UnitListOptions): Promise<Unit[]>;
  /** Roots (no parent, or a parent filtered out) with nested children, ordered by id. */
  tree(options?: UnitListOptions): Promise<UnitTreeNode[]>;
  /**
   * The given units and every unit below them (dissolved ones included: old dossiers keep
   * their unit). Reads a snapshot of the tree at most `cacheMs` old.
   */
  descendantsOf(unitIds: Iterable<string>): Promise<Set<string>>;
}

export interface UnitServiceOptions {
  now?: () => Date;
  /** How long the tree snapshot used by descendantsOf may be reused (ms); writes here reset it. */
  cacheMs?: number;
}

const MAX_NAME = 300;

function invalid(message: string, details?: unknown): DomainError {
  return unprocessable('INVALID_UNIT', message, details);
}

export function validateNewUnit(input: NewUnit): void {
  if (typeof input.id !== 'string' || input.id.length > 100 || !UNIT_ID_RE.test(input.id)) {
    throw invalid(`unit id '${String(input.id)}' must be a slug like 'xa-tan-phu' (a-z, 0-9, '-')`, { field: 'id' });
  }
  if (typeof input.code !== 'string' || input.code.length > 40 || !UNIT_CODE_RE.test(input.code)) {
    throw invalid(`unit code '${String(input.code)}' must look like '000.00.01.H22' (A-Z, 0-9, '.')`, { field: 'code' });
  }
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > MAX_NAME) {
    throw invalid(`unit name must be 1-${MAX_NAME} characters`, { field: 'name' });
  }
  if (!(UNIT_KINDS as readonly string[]).includes(input.kind)) {
    throw invalid(`unit kind '${String(input.kind)}' must be one of ${UNIT_KINDS.join(', ')}`, { field: 'kind' });
  }
  if (input.parentId !== null && typeof input.parentId !== 'string') {
    throw invalid('parentId must be a unit id or null', { field: 'parentId' });
  }
  if (input.parentId === input.id) throw invalid('a unit cannot be its own parent', { field: 'parentId' });
}

export function createUnitService(store: UnitStore, options: UnitServiceOptions = {}): UnitService {
  const now = options.now ?? (() => new Date());
  const cacheMs = options.cacheMs ?? 5_000;
  let snapshot: { at: number; children: Map<string, string[]> } | null = null;

  async function childrenMap(): Promise<Map<string, string[]>> {
    if (snapshot && Date.now() - snapshot.at < cacheMs) return snapshot.children;
    const children = new Map<string, string[]>();
    for (const unit of await store.all()) {
      if (unit.parentId === null) continue;
      const list = children.get(unit.parentId) ?? [];
      list.push(unit.id);
      children.set(unit.parentId, list);
    }
    snapshot = { at: Date.now(), children };
    return children;
  }

  async function get(id: string): Promise<Unit> {
    const unit = await store.get(id);
    if (!unit) throw notFound('unit', id);
    return unit;
  }

  async function list(opts: UnitListOptions = {}): Promise<Unit[]> {
    const all = await store.all();
    return opts.active ? all.filter(isActive) : all;
  }

  return {
    ensureIndexes: () => store.ensureIndexes(),
    isEmpty: async () => (await store.count()) === 0,

    async create(input) {
      const unit: NewUnit = {
        id: input.id,
        code: input.code,
        name: typeof input.name === 'string' ? input.name.trim() : input.name,
        kind: input.kind,
        parentId: input.parentId ?? null,
      };
      validateNewUnit(unit);
      if (unit.parentId !== null) {
        const parent = await store.get(unit.parentId);
        if (!parent) throw unprocessable('PARENT_UNIT_NOT_FOUND', `parent unit '${unit.parentId}' does not exist`, { parentId: unit.parentId });
        if (!isActive(parent)) {
          throw unprocessable('PARENT_UNIT_DISSOLVED', `parent unit '${unit.parentId}' is dissolved`, { parentId: unit.parentId });
        }
      }
      if (!(await store.insert(unit, now()))) {
        if (await store.get(unit.id)) throw conflict('UNIT_EXISTS', `unit '${unit.id}' exists already`, { id: unit.id });
        throw conflict('UNIT_CODE_TAKEN', `unit code '${unit.code}' is used by another unit`, { code: unit.code });
      }
      snapshot = null;
      return get(unit.id);
    },

    async rename(id, name) {
      const unit = await get(id);
      const trimmed = typeof name === 'string' ? name.trim() : '';
      if (trimmed === '' || trimmed.length > MAX_NAME) throw invalid(`unit name must be 1-${MAX_NAME} characters`, { field: 'name' });
      if (!isActive(unit)) throw conflict('UNIT_DISSOLVED', `unit '${id}' is dissolved`, { id, dissolvedAt: unit.dissolvedAt });
      await store.rename(id, trimmed, now());
      return get(id);
    },

    async dissolve(unitId, successorIds, at, by = 'api') {
      const unit = await get(unitId);
      if (!isActive(unit)) {
        throw conflict('UNIT_DISSOLVED', `unit '${unitId}' is dissolved already`, { id: unitId, dissolvedAt: unit.dissolvedAt });
      }
      const successors = [...new Set(successorIds)];
      if (successors.length === 0) {
        throw unprocessable('SUCCESSORS_REQUIRED', 'name at least one successor unit: running dossiers must be continued, not refused');
      }
      if (successors.includes(unitId)) throw unprocessable('INVALID_SUCCESSOR', 'a unit cannot succeed itself', { successorIds: successors });
      const found = await store.getMany(successors);
      const missing = successors.filter((id) => !found.some((u) => u.id === id));
      if (missing.length > 0) {
        throw unprocessable('SUCCESSOR_NOT_FOUND', `successor units do not exist: ${missing.join(', ')}`, { missing });
      }
      const dissolved = found.filter((u) => !isActive(u)).map((u) => u.id);
      if (dissolved.length > 0) {
        throw unprocessable('SUCCESSOR_DISSOLVED', `successor units are dissolved: ${dissolved.join(', ')}`, { dissolved });
      }
      const activeChildren = (await store.childrenOf(unitId)).filter(isActive).map((u) => u.id);
      if (activeChildren.length > 0) {
        throw conflict('UNIT_HAS_ACTIVE_CHILDREN', `dissolve the units under '${unitId}' first: ${activeChildren.join(', ')}`, {
          children: activeChildren,
        });
      }
      const record = { _id: unitId, successorIds: successors, at: at ?? now(), by, recordedAt: now() };
      if (!(await store.recordDissolution(record))) {
        // Someone else won (or a stopped process left the unit document behind): finish theirs.
        const winner = await store.dissolution(unitId);
        if (winner) await store.applyDissolution(winner);
        snapshot = null;
        throw conflict('UNIT_DISSOLVED', `unit '${unitId}' is dissolved already`, { id: unitId, dissolvedAt: winner?.at ?? null });
      }
      await store.applyDissolution(record);
      snapshot = null;
      return get(unitId);
    },

    get,
    find: (id) => store.get(id),

    async resolve(idOrCode) {
      const unit = (await store.get(idOrCode)) ?? (await store.getByCode(idOrCode));
      if (!unit) throw notFound('unit', idOrCode);
      return unit;
    },

    list,

    async tree(opts = {}) {
      const units = await list(opts);
      const nodes = new Map<string, UnitTreeNode>(units.map((u) => [u.id, { ...u, children: [] }]));
      const roots: UnitTreeNode[] = [];
      for (const node of nodes.values()) {
        const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
        if (parent) parent.children.push(node);
        else roots.push(node);
      }
      return roots;
    },

    async descendantsOf(unitIds) {
      const children = await childrenMap();
      const result = new Set<string>();
      const queue = [...unitIds];
      while (queue.length > 0) {
        const id = queue.pop() as string;
        if (result.has(id)) continue;
        result.add(id);
        for (const child of children.get(id) ?? []) queue.push(child);
      }
      return result;
    },
  };
}
