import type { CommitPolicy } from '../cases/commit-policy.js';
import type { CaseDoc } from '../domain/case.js';
import { deadlineJobs } from '../deadlines/case-deadlines.js';
import { applicantNotices } from '../dossiers/applicant-notices.js';
import { applyDossierRules } from '../dossiers/dossier-rules.js';
import { portalSyncJob } from '../integration/portal-outbox.js';
import { serviceIndexKeysPolicy } from '../reports/index-keys.js';
import type { PortalOutboxDoc } from '../store/documents.js';

/** Set by the dossier lifecycle when the portal must see the dossier's new state. */
export const PORTAL_CHANGED = 'portal-changed';

const hasDossier = (current: CaseDoc | null, next: CaseDoc): boolean => Boolean(next.dossier ?? current?.dossier);

/** Reminder and breach jobs follow the clocks of the case and its tasks. */
export const deadlineJobsPolicy: CommitPolicy = {
  name: 'deadlines',
  apply(_ctx, current, next, effects) {
    const jobs = deadlineJobs(current, next);
    effects.jobsScheduled.push(...jobs.scheduled);
    effects.jobsCancelled.push(...jobs.cancelled);
  },
};

/** Dossier status, units and progress (before the waits are diffed: it sets task units). */
export const dossierLifecyclePolicy: CommitPolicy = {
  name: 'dossier-lifecycle',
  when: hasDossier,
  shape(ctx, current, next) {
    if (applyDossierRules(ctx, current, next)) ctx.marks.add(PORTAL_CHANGED);
  },
};

/** The service-index report's equality keys, after the lifecycle set finishedAt. */
export const indexKeysPolicy: CommitPolicy = {
  name: serviceIndexKeysPolicy.name,
  when: serviceIndexKeysPolicy.when,
  shape(_ctx, current, next) {
    serviceIndexKeysPolicy.apply(current, next);
  },
};

/** A national-portal record (and its sync job) for each new dossier state. */
export function portalOutboxPolicy(record: (doc: CaseDoc, at: string) => PortalOutboxDoc): CommitPolicy {
  return {
    name: 'portal-outbox',
    when: hasDossier,
    apply(ctx, _current, next, effects) {
      if (!ctx.marks.has(PORTAL_CHANGED)) return;
      const doc = record(next, ctx.at);
      effects.portalOutbox.push(doc);
      effects.jobsScheduled.push(portalSyncJob(doc));
    },
  };
}

/** Applicant notices; each is delivered by a job of its own (escalations by their deadline job). */
export const applicantNoticesPolicy: CommitPolicy = {
  name: 'applicant-notices',
  when: hasDossier,
  apply(ctx, current, next, effects) {
    effects.notifications.push(...applicantNotices(current, next, ctx.at));
  },
};

/** Schedules delivery of every applicant notice the commit carries, whoever added it. */
export const noticeDeliveryPolicy: CommitPolicy = {
  name: 'notice-delivery',
  apply(ctx, _current, _next, effects) {
    for (const n of effects.notifications) {
      if (n.topic.startsWith('applicant.')) effects.jobsScheduled.push({ queue: 'notifications', jobId: `notify-${n._id}`, runAt: ctx.at, data: { id: n._id } });
    }
  },
};

/**
 * The commit pipeline in order: deadlines, dossier lifecycle (+ index keys), portal outbox,
 * notices. The console's rollups go after these.
 */
export function defaultCommitPolicies(options: { portalRecord?: (doc: CaseDoc, at: string) => PortalOutboxDoc }): CommitPolicy[] {
  return [
    deadlineJobsPolicy,
    dossierLifecyclePolicy,
    indexKeysPolicy,
    ...(options.portalRecord ? [portalOutboxPolicy(options.portalRecord)] : []),
    applicantNoticesPolicy,
    noticeDeliveryPolicy,
  ];
}
