import type { Plugin } from '../src/plugins/plugin-host.js';

interface Contact {
  name?: string;
  phone?: string;
  email?: string;
}

/**
 * Tells the applicant something happened: called by service tasks in diagrams (with the
 * case data) and for the service's own notices (receipt, supplement request, apology,
 * result ready; `variables.notification`). The default transport is the structured log,
 * after the outbox record; SMS or e-mail gateways plug in here.
 */
const notifyApplicant: Plugin = {
  name: 'notify-applicant',
  description: 'Notify the applicant (log transport)',
  async run({ caseId, activityId, idempotencyKey, variables, log }) {
    const notice = variables.notification as { applicant?: Contact } | undefined;
    const applicant = (notice?.applicant ?? variables.applicant ?? {}) as Contact;
    log.info(
      { caseId, activityId, idempotencyKey, topic: variables.topic ?? activityId, to: applicant.email ?? applicant.phone ?? null, notice: notice ?? null },
      'applicant notified',
    );
    return { lastNotification: { key: idempotencyKey, activityId } };
  },
};

export default notifyApplicant;
