/**
 * The one way a listing pages (docs/api.md, "Paging"): by a sort key and `_id`, with an opaque
 * cursor that holds the last item's position and a digest of the listing, its filter and the
 * units it covered. FerretDB 1.24 serves only top-level equality from an index (`$in` and `$or`
 * scan the table), so a scoped listing runs one equality query per unit and merges them here.
 */
import { createHash } from 'node:crypto';
import type { Collection, Document } from 'mongodb';
import { badRequest } from '../domain/errors.js';

/** What a listing route passes in: page size, the cursor of the previous page, and whether to count. */
export interface PageRequest {
  limit: number;
  cursor?: string;
  /** Count the matching items too, up to TOTAL_CAP (never on by default: a count reads the whole set). */
  total?: boolean;
}

/** A count stops here: beyond it the answer is `total: TOTAL_CAP, totalCapped: true`. */
export const TOTAL_CAP = 10_000;

interface Position {
  /** Sort key of the last item of the page (an ISO instant). */
  k: string;
  /** Its `_id`, the tie-breaker. */
  i: string;
}

export interface Listing {
  /** Names the listing, so one listing's cursor does not continue another. */
  name: string;
  /** The equality filters the page reads, one per unit in scope (or one unscoped). */
  filters: Document[];
  sortField: string;
  /** 1: oldest first; -1: newest first. */
  dir: 1 | -1;
}

const invalid = (why: string) =>
  badRequest('INVALID_CURSOR', `cursor ${why}: start again without one / con trỏ trang không hợp lệ, hãy tải lại từ trang đầu`);

/** Digest of the listing and its filters: a cursor is valid only for the query it came from. */
function bindingOf(listing: Listing): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.keys(v as object)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])])
      : v;
  const text = JSON.stringify([listing.name, listing.sortField, listing.dir, listing.filters.map(canonical)]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

export function encodeCursor(listing: Listing, at: Position): string {
  return Buffer.from(JSON.stringify({ b: bindingOf(listing), k: at.k, i: at.i })).toString('base64url');
}

/** The position a cursor names; 400 INVALID_CURSOR when it is not one this listing issued. */
export function decodeCursor(listing: Listing, cursor: string): Position {
  let v: { b?: unknown; k?: unknown; i?: unknown };
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof v;
  } catch {
    throw invalid('is not one this service issued');
  }
  if (!v || typeof v.b !== 'string' || typeof v.k !== 'string' || typeof v.i !== 'string' || !v.k || !v.i) throw invalid('is not one this service issued');
  // Another filter or another scope (a key of other units): refused, never read in this scope.
  if (v.b !== bindingOf(listing)) throw invalid('was issued for another filter or other units');
  return { k: v.k, i: v.i };
}

function after(listing: Listing, at: Position): Document {
  const op = listing.dir === 1 ? '$gt' : '$lt';
  return { $or: [{ [listing.sortField]: { [op]: at.k } }, { [listing.sortField]: at.k, _id: { [op]: at.i } }] };
}

function compare(listing: Listing, a: Document, b: Document): number {
  const ka = String(a[listing.sortField]);
  const kb = String(b[listing.sortField]);
  const c = ka < kb ? -1 : ka > kb ? 1 : String(a._id) < String(b._id) ? -1 : String(a._id) > String(b._id) ? 1 : 0;
  return c * listing.dir;
}

export interface Page<T> {
  docs: T[];
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}

/**
 * One page: each filter read up to `limit + 1` past the cursor, merged by (sort key, `_id`),
 * duplicates (a dossier seen by two of the caller's units) kept once.
 */
export async function readPage<T extends { _id: string }>(collection: Collection<T>, listing: Listing, page: PageRequest): Promise<Page<T>> {
  const at = page.cursor ? decodeCursor(listing, page.cursor) : null;
  const sort = { [listing.sortField]: listing.dir, _id: listing.dir } as const;
  const batches = await Promise.all(
    listing.filters.map((f) =>
      collection
        .find((at ? { ...f, ...after(listing, at) } : f) as never)
        .sort(sort)
        .limit(page.limit + 1)
        .toArray(),
    ),
  );
  const merged: T[] = [];
  const seen = new Set<string>();
  for (const doc of (batches.flat() as unknown as T[]).sort((a, b) => compare(listing, a as Document, b as Document))) {
    if (seen.has(doc._id)) continue;
    seen.add(doc._id);
    merged.push(doc);
  }
  const docs = merged.slice(0, page.limit);
  const last = docs[docs.length - 1] as Document | undefined;
  const nextCursor = merged.length > page.limit && last ? encodeCursor(listing, { k: String(last[listing.sortField]), i: String(last._id) }) : null;
  if (!page.total) return { docs, nextCursor };
  return { docs, nextCursor, ...(await countUpTo(collection, listing)) };
}

/** Distinct matching ids, at most TOTAL_CAP per filter: bounded, and exact below the cap. */
async function countUpTo<T extends { _id: string }>(collection: Collection<T>, listing: Listing): Promise<{ total: number; totalCapped: boolean }> {
  const ids = new Set<string>();
  for (const f of listing.filters) {
    for await (const d of collection.find(f as never, { projection: { _id: 1 } }).limit(TOTAL_CAP)) {
      ids.add(String((d as { _id: unknown })._id));
      if (ids.size >= TOTAL_CAP) return { total: TOTAL_CAP, totalCapped: true };
    }
  }
  return { total: ids.size, totalCapped: false };
}
