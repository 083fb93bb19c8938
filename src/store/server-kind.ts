import type { Db } from 'mongodb';

/**
 * FerretDB answers buildInfo with `ferretdbVersion`. Version 1.24 applies `$inc` as read,
 * modify, write: concurrent increments of one document lose updates, and concurrent
 * multi-document upsert batches over the same documents can wedge the server (both measured,
 * docs/monitoring.md). Writers of shared counters serialise themselves there.
 */
export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}
