import type { Plugin } from '../src/plugins/plugin-host.js';

/**
 * Delivers deadline escalations (reminder, breach) to supervisors. The default transport is
 * the structured log; the outbox record in MongoDB is written before this runs.
 */
const notifySupervisor: Plugin = {
  name: 'notify-supervisor',
  description: 'Deadline reminders and breaches (log transport)',
  async run({ caseId, idempotencyKey, variables, log }) {
    log.warn({ caseId, idempotencyKey, topic: variables.topic, escalation: variables.notification }, 'deadline escalation');
    return {};
  },
};

export default notifySupervisor;
