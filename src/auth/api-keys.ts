/**
 * API keys: `bpk_<keyId>_<secret>`, where keyId is 16 hex digits and secret is 32 random
 * bytes in base64url. Collection `api_keys` keeps `{ _id: keyId, name, role, unitIds,
 * secretHash, createdAt, createdBy, revokedAt, revokedBy }` — the SHA-256 of the secret,
 * never the key. Verification looks the key up by id and compares hashes in constant time.
 *
 * Verified keys are cached per process for `cacheMs` (≤ 5 s): a revocation takes effect at
 * once on the replica that served it and within `cacheMs` on the others.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { notFound, unprocessable } from '../domain/errors.js';
import type { Unit } from '../org/types.js';
import { ROLES_SEEING_ALL_UNITS, type Role } from './permissions.js';
import type { Principal } from './principal.js';

export const API_KEYS_COLLECTION = 'api_keys';
export const KEY_PREFIX = 'bpk_';
const KEY_RE = /^bpk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** Upper bound of the verification cache; a larger value is clamped. */
export const MAX_KEY_CACHE_MS = 5_000;
const MAX_CACHE_ENTRIES = 10_000;

interface ApiKeyDoc {
  _id: string;
  name: string;
  /** The person who holds the key (họ tên) and their job title (chức danh); absent on old keys. */
  displayName?: string | null;
  title?: string | null;
  role: Role;
  unitIds: string[];
  /** hex SHA-256 of the secret part. */
  secretHash: string;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** What may be shown about a key: everything but the secret (which is not stored anyway). */
export interface ApiKeyRecord {
  id: string;
  name: string;
  displayName: string | null;
  title: string | null;
  role: Role;
  unitIds: string[];
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
}

export interface NewApiKey {
  name: string;
  displayName?: string;
  title?: string;
  role: Role;
  unitIds: string[];
}

export interface ApiKeyService {
  ensureIndexes(): Promise<void>;
  /**
   * Issues a key; `key` is returned once and never stored. 422 UNKNOWN_UNITS / UNIT_DISSOLVED
   * (units must exist and be active), UNITS_REQUIRED (unit-scoped roles need at least one unit).
   */
  create(input: NewApiKey, by: string): Promise<ApiKeyRecord & { key: string }>;
  /** Newest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** 404 API_KEY_NOT_FOUND. */
  get(id: string): Promise<ApiKeyRecord>;
  /** Revokes (idempotent: a revoked key is returned as it is). 404 API_KEY_NOT_FOUND. */
  revoke(id: string, by: string): Promise<ApiKeyRecord>;
  /** The principal of a valid, unrevoked key; null for anything else. */
  verify(token: string): Promise<Principal | null>;
  /** Names and titles of the people behind actor strings (keys read once when not known yet). */
  peopleOf(actors: Iterable<string>): Promise<(actor: string) => Person>;
}

/** A person as officials' papers show them: name and job title. */
export interface Person {
  name: string;
  title: string;
}

/** Actors that are not people: the service's own work. */
const SYSTEM_ACTORS: Record<string, string> = {
  system: 'Hệ thống (system)',
  timer: 'Hệ thống — hẹn giờ (timer)',
  recovery: 'Hệ thống — phục hồi (recovery)',
  migration: 'Hệ thống — chuyển đổi (migration)',
  api: 'Hệ thống (api)',
};

/**
 * Who an actor string (`<keyId>` or `<keyId>/<person named by an integration>`) is, known
 * synchronously: filled from every key this process verified, issued or read, so a commit
 * made for a request can name its person without a database read.
 */
export function createPeopleDirectory(bootstrap: Person) {
  const known = new Map<string, Person>([['bootstrap-admin', bootstrap]]);
  return {
    remember(keyId: string, person: Person): void {
      known.set(keyId, person);
    },
    /** The person behind `actor`; unknown ids are shown as they are (never invented). */
    person(actor: string): Person {
      const slash = actor.indexOf('/');
      if (slash > 0) return { name: actor.slice(slash + 1), title: known.get(actor.slice(0, slash))?.title ?? '' };
      if (SYSTEM_ACTORS[actor]) return { name: SYSTEM_ACTORS[actor] as string, title: '' };
      return known.get(actor) ?? { name: actor, title: '' };
    },
    has: (keyId: string): boolean => known.has(keyId),
  };
}
export type PeopleDirectory = ReturnType<typeof createPeopleDirectory>;

export interface ApiKeyServiceOptions {
  /** Where the names of verified keys are kept for commits and papers. */
  people?: PeopleDirectory;
  /** Looks units up to check the ones a key is issued for. */
  units: { find(id: string): Promise<Unit | null> };
  now?: () => Date;
  cacheMs?: number;
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

export function generateKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `${KEY_PREFIX}${id}_${secret}` };
}

/** Splits a token of the API-key shape; null when it has another shape. */
export function parseKey(token: string): { id: string; secret: string } | null {
  const match = KEY_RE.exec(token);
  return match ? { id: match[1] as string, secret: match[2] as string } : null;
}

const record = (d: ApiKeyDoc): ApiKeyRecord => ({
  id: d._id,
  name: d.name,
  displayName: d.displayName ?? null,
  title: d.title ?? null,
  role: d.role,
  unitIds: d.unitIds ?? [],
  createdAt: d.createdAt,
  createdBy: d.createdBy,
  revokedAt: d.revokedAt ?? null,
  revokedBy: d.revokedBy ?? null,
});

interface CacheEntry {
  expires: number;
  /** null: no such key. */
  key: { hash: Buffer; revoked: boolean; principal: Principal } | null;
}

export function createApiKeyService(db: Db, options: ApiKeyServiceOptions): ApiKeyService {
  const keys: Collection<ApiKeyDoc> = db.collection(API_KEYS_COLLECTION);
  const now = options.now ?? (() => new Date());
  const cacheMs = Math.min(Math.max(options.cacheMs ?? MAX_KEY_CACHE_MS, 0), MAX_KEY_CACHE_MS);
  const cache = new Map<string, CacheEntry>();
  const people = options.people ?? createPeopleDirectory({ name: 'Quản trị hệ thống (bootstrap admin)', title: '' });
  /** A key without a display name (issued before names existed) is shown by its label. */
  const learn = (d: ApiKeyDoc) => people.remember(d._id, { name: d.displayName ?? d.name, title: d.title ?? '' });

  async function lookUp(id: string): Promise<CacheEntry['key']> {
    const hit = cache.get(id);
    if (hit && hit.expires > Date.now()) return hit.key;
    const doc = await keys.findOne({ _id: id });
    if (doc) learn(doc);
    const key = doc
      ? {
          hash: Buffer.from(doc.secretHash, 'hex'),
          revoked: doc.revokedAt != null,
          principal: { id: doc._id, name: doc.name, displayName: doc.displayName ?? null, title: doc.title ?? null, role: doc.role, unitIds: doc.unitIds ?? [], kind: 'api-key' as const },
        }
      : null;
    if (cacheMs > 0) {
      cache.delete(id);
      if (cache.size >= MAX_CACHE_ENTRIES) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(id, { expires: Date.now() + cacheMs, key });
    }
    return key;
  }

  async function get(id: string): Promise<ApiKeyRecord> {
    const doc = await keys.findOne({ _id: id });
    if (!doc) throw notFound('api key', id);
    learn(doc);
    return record(doc);
  }

  return {
    async ensureIndexes() {
      await keys.createIndex({ createdAt: -1 });
    },

    async create(input, by) {
      const unitIds = [...new Set(input.unitIds)];
      const found = await Promise.all(unitIds.map((id) => options.units.find(id)));
      const missing = unitIds.filter((_, i) => !found[i]);
      if (missing.length > 0) throw unprocessable('UNKNOWN_UNITS', `units do not exist: ${missing.join(', ')}`, { missing });
      const dissolved = found.filter((u): u is Unit => u !== null && u.dissolvedAt !== null).map((u) => u.id);
      if (dissolved.length > 0) throw unprocessable('UNIT_DISSOLVED', `units are dissolved: ${dissolved.join(', ')}`, { dissolved });
      if (unitIds.length === 0 && !ROLES_SEEING_ALL_UNITS.includes(input.role)) {
        throw unprocessable('UNITS_REQUIRED', `a ${input.role} key must name the units it works for`, { role: input.role });
      }
      const { id, secret, key } = generateKey();
      const doc: ApiKeyDoc = {
        _id: id,
        name: input.name,
        displayName: input.displayName ?? null,
        title: input.title ?? null,
        role: input.role,
        unitIds,
        secretHash: hashSecret(secret),
        createdAt: now(),
        createdBy: by,
        revokedAt: null,
        revokedBy: null,
      };
      await keys.insertOne(doc);
      cache.delete(id);
      learn(doc);
      return { ...record(doc), key };
    },

    async list() {
      return (await keys.find({}).sort({ createdAt: -1, _id: 1 }).toArray()).map(record);
    },

    get,

    async peopleOf(actors) {
      const ids = new Set([...actors].map((a) => a.split('/')[0] as string).filter((id) => !people.has(id) && /^[0-9a-f]{16}$/.test(id)));
      await Promise.all([...ids].map((id) => get(id).catch(() => null)));
      return (actor) => people.person(actor);
    },

    async revoke(id, by) {
      const current = await get(id);
      cache.delete(id);
      if (current.revokedAt) return current;
      await keys.updateOne({ _id: id }, { $set: { revokedAt: now(), revokedBy: by } });
      cache.delete(id);
      return get(id);
    },

    async verify(token) {
      const parsed = parseKey(token);
      if (!parsed) return null;
      const key = await lookUp(parsed.id);
      if (!key) return null;
      const presented = createHash('sha256').update(parsed.secret, 'utf8').digest();
      if (presented.length !== key.hash.length || !timingSafeEqual(presented, key.hash)) return null;
      if (key.revoked) return null;
      return { ...key.principal, unitIds: [...key.principal.unitIds] };
    },
  };
}
