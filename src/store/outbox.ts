import type { FastifyBaseLogger } from 'fastify';
import type { Plugin } from '../plugins/plugin-host.js';
import type { Collections } from './mongo.js';

/** Delivers outbox notifications through a transport plugin, at least once, marking each delivered. */
export function createOutbox(c: Collections, plugins: Map<string, Plugin>, now: () => Date) {
  return {
    /** Notifications still undelivered after `olderThan` (their job was lost or gave up). */
    async pending(olderThan: Date, limit = 100): Promise<string[]> {
      const docs = await c.notifications
        .find({ deliveredAt: null, createdAt: { $lt: olderThan.toISOString() } }, { projection: { _id: 1 } })
        .limit(limit)
        .toArray();
      return docs.map((d) => d._id);
    },

    async deliver(id: string, transport: string, log: FastifyBaseLogger): Promise<void> {
      const doc = await c.notifications.findOne({ _id: id });
      if (!doc || doc.deliveredAt) return;
      const plugin = plugins.get(transport);
      if (!plugin) throw new Error(`notification transport plugin '${transport}' is not registered`);
      await plugin.run({
        caseId: doc.caseId,
        activityId: doc.topic,
        idempotencyKey: doc._id,
        attempt: 1,
        variables: { topic: doc.topic, notification: JSON.parse(doc.payloadJson) as unknown },
        log: log.child({ notification: doc._id }),
      });
      await c.notifications.updateOne({ _id: id }, { $set: { deliveredAt: now().toISOString() } });
    },
  };
}
