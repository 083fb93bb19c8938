import type { Clock, SlaResult } from '../deadlines/clock.js';
import type { DossierInfo } from '../dossiers/types.js';

/** What a case is waiting for; one entry per pending engine execution. */
export type Wait = TaskWait | MessageWait | SignalWait | TimerWait | ServiceWait | CallWait;

interface WaitBase {
  /** The engine execution id of the waiting activity (or of its timer). */
  executionId: string;
  activityId: string;
  /** Execution id of the activity that owns this wait (differs from executionId for timers). */
  activityExecutionId: string;
  since: string;
  /** One instance of a multi-instance activity: its index in the list (src/engine/multi-instance.ts). */
  loop?: { index: number; bodyExecutionId: string };
}

export interface TaskWait extends WaitBase {
  kind: 'task';
  taskId: string;
  name: string;
  candidateGroups: string[];
  assignee?: string;
  /** The step's quota clock, when the diagram gives the task a quota. */
  clock?: Clock;
  /** The organisation unit that must do the task (dossier cases). */
  unitId?: string | null;
}

export interface MessageWait extends WaitBase {
  kind: 'message';
  messageId: string;
  messageName: string;
  /** The values POST /v1/messages correlates on (src/messaging/subscriptions.ts), fixed when the wait opened. */
  correlationKeys?: string[];
}

/** A signal catch (intermediate or boundary): every broadcast of that name in scope reaches it. */
export interface SignalWait extends WaitBase {
  kind: 'signal';
  signalId: string;
  signalName: string;
}

export interface TimerWait extends WaitBase {
  kind: 'timer';
  expireAt: string;
  jobId: string;
  /** Interrupting boundary timer, intermediate catch, etc.: for display only. */
  timerType: string;
  /** The timer's definition text (e.g. PT2H or a working-time duration). */
  definition?: string;
}

export interface ServiceWait extends WaitBase {
  kind: 'service';
  topic: string;
  /** Bumped on every retry by API so each retry gets a fresh job id. */
  attempt: number;
  jobId: string;
}

/** A call activity waiting for its child case (src/cases/call-activities.ts). */
export interface CallWait extends WaitBase {
  kind: 'call';
  /** The procedure key the call activity names (calledElement). */
  calledElement: string;
  /** Bumped when an incident on the call is retried: a fresh child id and start job. */
  attempt: number;
  jobId: string;
  /** Derived from case id, execution id and attempt, so every replica names the same child. */
  childCaseId: string;
}

/** Set on a case started by another case's call activity. */
export interface ParentCall {
  caseId: string;
  activityId: string;
  executionId: string;
  /** 1 for a child of a top-level case; a call chain deeper than the limit is an incident. */
  depth: number;
}

/** A child case as its parent recorded it (started, then ended). */
export interface CalledCase {
  caseId: string;
  activityId: string;
  executionId: string;
  procedureKey: string;
  procedureVersion: number;
  unitId: string | null;
  status: 'active' | 'completed' | 'error' | 'terminated';
  startedAt: string;
  endedAt: string | null;
}

export type CaseStatus = 'active' | 'completed' | 'terminated' | 'incident';

export interface Incident {
  kind: 'service' | 'timer' | 'execution';
  /** Stable machine-readable reason, when there is one (e.g. TIMER_LIMIT_EXCEEDED). */
  code?: string;
  activityId?: string;
  executionId?: string;
  message: string;
  at: string;
}

/** The materialised case document (collection `cases`). */
export interface CaseDoc {
  _id: string;
  procedureKey: string;
  procedureVersion: number;
  status: CaseStatus;
  revision: number;
  /** JSON text: user data may hold keys MongoDB/FerretDB refuse ('.', '$', nested arrays). */
  variablesJson: string;
  /** bpmn-engine state without the diagram source, as JSON text. */
  engineStateJson: string;
  waits: Wait[];
  incident: Incident | null;
  /** The statutory clock (appointment date), when the procedure has a statutory time. */
  clock: Clock | null;
  /** Early / on time / late, set when the case completes. */
  sla: SlaResult | null;
  apologies: Apology[];
  /** Present when the case is a citizen's dossier received at a desk. */
  dossier?: DossierInfo | null;
  /**
   * The unit the case belongs to (a dossier: its processing unit at receipt). Absent only on
   * cases stored before units were required, until the start-up migration sets it.
   */
  unitId?: string | null;
  /** A caller's own key for the case (POST /v1/cases businessKey); messages correlate on it. */
  businessKey?: string | null;
  /** Ids of the last message and signal deliveries the case took, so a replayed one is not taken twice. */
  deliveries?: string[];
  /** Signals the last step threw (a throw event): its commit schedules their broadcast. */
  thrownSignals?: { id: string; name: string; revision: number }[];
  /** Steps that ran over their quota (per activity × unit), attributed if the case ends late. */
  overBudgetSteps?: { activityId: string; name: string; unitId: string; steps: number; overMinutes: number }[];
  /** Present on a child case: the parent case and its call activity. */
  parentCall?: ParentCall | null;
  /** The cases this case's call activities started. */
  calledCases?: CalledCase[];
  /** The BPMN error an error end event ended the case with (a child hands it to its parent). */
  endError?: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

/** A letter of apology with a new appointment date (the case stays counted as late). */
export interface Apology {
  at: string;
  by: string;
  reason: string;
  previousDueAt: string;
  newDueAt: string;
  /** Sent with less than the procedure's lead before the due date (absent on older records). */
  late?: boolean;
  /** The lead it had to keep, in working days. */
  leadWorkingDays?: number;
}

export interface TaskDoc {
  _id: string;
  caseId: string;
  procedureKey: string;
  activityId: string;
  executionId: string;
  name: string;
  candidateGroups: string[];
  assignee: string | null;
  status: 'open' | 'completed' | 'cancelled';
  createdAt: string;
  endedAt: string | null;
  completedBy: string | null;
  dueAt: string | null;
  sla: SlaResult | null;
  /** Set when a reminder or breach escalation fired for this task. */
  escalation: 'reminded' | 'breached' | null;
  unitId: string | null;
}

export interface HistoryEntry {
  _id: string;
  caseId: string;
  /** Monotonic within a case: revision * 1000 + index in the commit. */
  seq: number;
  at: string;
  type: string;
  activityId?: string;
  activityType?: string;
  executionId?: string;
  by?: string;
  /** JSON text of what came with the event (task data, message payload): user keys are arbitrary. */
  dataJson?: string;
}
