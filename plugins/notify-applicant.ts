import type { Plugin } from '../src/plugins/plugin-host.js';

/**
 * Tells the applicant something happened (receipt, result ready). The default transport is
 * the structured log, which an outbox shipper can read; real transports plug in here.
 */
const notifyApplicant: Plugin = {
  name: 'notify-applicant',
  description: 'Notify the applicant (log transport)',
  async run({ caseId, activityId, idempotencyKey, variables, log }) {
    const applicant = (variables.applicant ?? {}) as { name?: string; phone?: string; email?: string };
    log.info({ caseId, activityId, idempotencyKey, to: applicant.email ?? applicant.phone ?? null }, 'applicant notified');
    return { lastNotification: { key: idempotencyKey, activityId } };
  },
};

export default notifyApplicant;
