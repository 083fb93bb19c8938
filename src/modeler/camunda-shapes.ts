/**
 * The bodies Camunda Modeler reads, built from our deployments and coded errors. Camunda 7
 * (REST API 7.x, `/engine-rest`): the deployment with `deployedProcessDefinitions` keyed by
 * definition id, errors as `{type, message}` (the Modeler shows `message` in its error
 * panel and recognises parse failures by the `ENGINE-09005` prefix). Camunda 8 (REST v2):
 * `{deploymentKey, deployments: [{processDefinition}]}`. Every error body also carries our
 * envelope `error: {code, message, details}` (docs/diagrams.md, "Deploy from Camunda Modeler").
 */
import type { DeployedVersion, DeploymentOutcome } from './deployment.js';

/** What the connection checks report: the API level whose requests we answer. */
export const CAMUNDA7_VERSION = '7.23.0';
export const CAMUNDA8_VERSION = '8.8.0';
/** Zeebe's name for "no tenant". */
export const DEFAULT_TENANT = '<default>';

export interface CodedError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/** Camunda's `yyyy-MM-dd'T'HH:mm:ss.SSSZ` (`+0000`), which its clients parse. */
export const camundaTime = (iso: string): string => iso.replace(/Z$/, '+0000');

/** Camunda 7 names a definition `key:version:<uuid>`; ours is unique without the uuid. */
export const definitionId = (v: Pick<DeployedVersion, 'key' | 'version'>): string => `${v.key}:${v.version}`;

export function camunda7ProcessDefinition(v: DeployedVersion, deploymentId: string) {
  return {
    id: definitionId(v),
    key: v.key,
    category: null,
    description: null,
    name: v.name,
    version: v.version,
    resource: v.resource,
    deploymentId,
    diagram: null,
    suspended: false,
    tenantId: null,
    versionTag: null,
    historyTimeToLive: null,
    startableInTasklist: true,
  };
}

/** The answer to `POST /deployment/create`; `procedures` is ours (key, version, created per file). */
export function camunda7Deployment(d: DeploymentOutcome, source: string | null, selfHref: string) {
  return {
    links: [{ method: 'GET', href: selfHref, rel: 'self' }],
    id: d.id,
    name: d.name,
    source,
    deploymentTime: camundaTime(d.deploymentTime),
    tenantId: null,
    // Always the versions, also when all were already published: the Modeler starts an instance from the first.
    deployedProcessDefinitions: Object.fromEntries(d.versions.map((v) => [definitionId(v), camunda7ProcessDefinition(v, d.id)])),
    deployedCaseDefinitions: null,
    deployedDecisionDefinitions: d.decisions.length === 0 ? null : Object.fromEntries(d.decisions.map((t) => [definitionId(t), camunda7DecisionDefinition(t, d.id)])),
    deployedDecisionRequirementsDefinitions: null,
    procedures: d.versions.map((v) => ({ key: v.key, version: v.version, hash: v.hash, resource: v.resource, created: v.created })),
    decisions: d.decisions.map((t) => ({ key: t.key, version: t.version, hash: t.hash, resource: t.resource, created: t.created })),
  };
}

interface Problem {
  code?: string;
  message?: string;
  elementId?: string;
}

const problemsOf = (details: unknown): Problem[] => {
  const problems = (details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) ? (problems as Problem[]) : [];
};
const resourceOf = (details: unknown): string => String((details as { resource?: unknown } | undefined)?.resource ?? 'diagram.bpmn');

/** Camunda 7's exception class per status, as its REST API names them. */
function camunda7Type(status: number): string {
  if (status === 401 || status === 403) return 'AuthorizationException';
  if (status === 404) return 'NotFoundException';
  if (status >= 500) return 'ProcessEngineException';
  return 'InvalidRequestException';
}

/**
 * An error as Camunda 7 sends it. A refused diagram becomes a ParseException whose message
 * starts with ENGINE-09005 and lists each problem with its code and element, and whose
 * `details` is Camunda's per-resource report (errors with mainElementId / elementIds).
 */
export function camunda7Error(e: CodedError) {
  const envelope = { error: e.details === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, details: e.details } };
  const problems = problemsOf(e.details);
  // A refused .dmn (INVALID_DECISION) is reported the same way: the Modeler lists each problem.
  if ((e.code === 'INVALID_DIAGRAM' || e.code === 'INVALID_DECISION') && problems.length > 0) {
    const resource = resourceOf(e.details);
    const lines = problems.map((p) => `* [${p.code ?? 'PROBLEM'}] ${p.message ?? ''} | ${resource}${p.elementId ? ` | element ${p.elementId}` : ''}`);
    return {
      type: 'ParseException',
      message:
        e.code === 'INVALID_DECISION'
          ? `DMN-02004 Unable to transform decisions from resource '${resource}'. Errors: \n${lines.join('\n')}`
          : `ENGINE-09005 Could not parse BPMN process. Errors: \n${lines.join('\n')}`,
      details: {
        [resource]: {
          errors: problems.map((p) => ({
            message: `[${p.code ?? 'PROBLEM'}] ${p.message ?? ''}`,
            mainElementId: p.elementId ?? null,
            elementIds: p.elementId ? [p.elementId] : [],
            code: p.code ?? null,
          })),
          warnings: [],
        },
      },
      ...envelope,
    };
  }
  return { type: camunda7Type(e.status), message: `[${e.code}] ${e.message}`, ...envelope };
}

/** The answer to `POST /v2/deployments` of Camunda 8's REST API. */
function camunda7DecisionDefinition(t: DeploymentOutcome['decisions'][number], deploymentId: string) {
  return {
    id: definitionId(t),
    key: t.key,
    category: null,
    name: t.name,
    version: t.version,
    resource: t.resource,
    deploymentId,
    tenantId: null,
    decisionRequirementsDefinitionId: null,
    decisionRequirementsDefinitionKey: null,
    historyTimeToLive: null,
    versionTag: null,
  };
}

export function camunda8Deployment(d: DeploymentOutcome) {
  return {
    deploymentKey: d.id,
    tenantId: DEFAULT_TENANT,
    deployments: [
      ...d.decisions.map((t) => ({
        decisionDefinition: {
          decisionDefinitionId: t.key,
          version: t.version,
          name: t.name,
          resourceName: t.resource,
          tenantId: DEFAULT_TENANT,
          decisionDefinitionKey: `${t.key}@${t.version}`,
        },
      })),
      ...d.versions.map((v) => ({
        processDefinition: {
          processDefinitionId: v.key,
          processDefinitionVersion: v.version,
          resourceName: v.resource,
          tenantId: DEFAULT_TENANT,
          processDefinitionKey: `${v.key}@${v.version}`,
        },
      })),
    ],
    decisions: d.decisions.map((t) => ({ key: t.key, version: t.version, hash: t.hash, resource: t.resource, created: t.created })),
    procedures: d.versions.map((v) => ({ key: v.key, version: v.version, hash: v.hash, resource: v.resource, created: v.created })),
  };
}

/** `GET /v2/topology`: one gateway, one broker; the Modeler reads `gatewayVersion`. */
export function camunda8Topology() {
  return {
    brokers: [{ nodeId: 0, host: 'tthc', port: 0, partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }], version: CAMUNDA8_VERSION }],
    clusterSize: 1,
    partitionsCount: 1,
    replicationFactor: 1,
    gatewayVersion: CAMUNDA8_VERSION,
  };
}

/** A refused diagram's problems as one text per line, for Camunda 8's `detail`. */
export function problemLines(e: CodedError): string {
  const problems = problemsOf(e.details);
  if (problems.length === 0) return e.message;
  const resource = resourceOf(e.details);
  return [e.message, ...problems.map((p) => `* [${p.code ?? 'PROBLEM'}] ${p.message ?? ''} | ${resource}${p.elementId ? ` | element ${p.elementId}` : ''}`)].join('\n');
}
