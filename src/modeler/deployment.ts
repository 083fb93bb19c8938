/**
 * A deployment from Camunda Modeler (either mode): one or more files, each published through
 * the one publish path (ProcedureService.publish: the same validation, limits, versioning and
 * canonical-form dedupe as POST /v1/procedures). A deployment is not stored: it is the list
 * of versions the request produced or found, so sending it again answers the same versions.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import type { ProcedureService, ProcedureVersionView } from '../cases/procedure-service.js';
import type { DecisionService, DecisionVersionView } from '../decisions/decision-service.js';

export interface DeploymentFile {
  /** The file name the Modeler sends (`diagram_1.bpmn`). */
  name: string;
  xml: string;
}

export interface DeployedVersion extends ProcedureVersionView {
  /** The file it came from. */
  resource: string;
  /** false: an equal diagram was already published, this is that version. */
  created: boolean;
}

/** A decision version a `.dmn` file of the deployment produced or found (docs/decisions.md). */
export interface DeployedDecision extends DecisionVersionView {
  resource: string;
  created: boolean;
}

export interface DeploymentOutcome {
  /** `key@version` for one file, else a digest of the versions: the same files give the same id. */
  id: string;
  name: string;
  /** When the newest of the versions was published. */
  deploymentTime: string;
  versions: DeployedVersion[];
  /** Decision tables of the `.dmn` files, published before the diagrams that may use them. */
  decisions: DeployedDecision[];
}

/** Forms have no runtime here yet: refused by name rather than dropped. */
const BPMN_FILE = /\.(bpmn|bpmn2|xml)$/i;
const DMN_FILE = /\.dmn$/i;
export const MAX_FILES = 20;

export function deploymentId(versions: Pick<ProcedureVersionView, 'key' | 'version'>[], decisions: Pick<DecisionVersionView, 'key' | 'version'>[] = []): string {
  if (decisions.length > 0) {
    const all = [...versions.map((v) => `${v.key}@${v.version}`), ...decisions.map((d) => `decision:${d.key}@${d.version}`)];
    return `deployment-${createHash('sha256').update(all.join('\n')).digest('hex').slice(0, 24)}`;
  }
  const ids = versions.map((v) => `${v.key}@${v.version}`);
  if (ids.length === 1) return ids[0] as string;
  return `deployment-${createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 24)}`;
}

function refuseResource(name: string): DomainError {
  const dmn = /\.dmn$/i.test(name);
  return new DomainError(
    'UNSUPPORTED_RESOURCE',
    dmn
      ? `'${name}' is a DMN decision: decisions cannot be published yet; deploy the .bpmn alone / chưa hỗ trợ bảng quyết định DMN, hãy triển khai riêng tệp .bpmn`
      : `'${name}' is not a BPMN diagram (.bpmn): only diagrams are published; remove it from the deployment / chỉ nhận tệp sơ đồ .bpmn`,
    400,
    { resource: name },
  );
}

export function createModelerDeployments(procedures: Pick<ProcedureService, 'publish'>, decisions?: Pick<DecisionService, 'publish'>) {
  const isDmn = (name: string) => decisions !== undefined && DMN_FILE.test(name);
  return {
    /**
     * Publishes the files in order. A refused file stops the deployment; the versions the
     * files before it produced stay published (each is a complete, valid version) and are
     * named in `details.published` so the analyst sees what went through.
     */
    async deploy(name: string, files: DeploymentFile[], actor: string): Promise<DeploymentOutcome> {
      if (files.length === 0) {
        throw new DomainError('NO_RESOURCES', 'the deployment holds no file: attach the .bpmn diagram / không có tệp sơ đồ nào được gửi', 400);
      }
      if (files.length > MAX_FILES) {
        throw new DomainError('TOO_MANY_RESOURCES', `at most ${MAX_FILES} files per deployment / tối đa ${MAX_FILES} tệp mỗi lần`, 413, { max: MAX_FILES });
      }
      for (const file of files) if (!BPMN_FILE.test(file.name) && !isDmn(file.name)) throw refuseResource(file.name);
      const versions: DeployedVersion[] = [];
      const tables: DeployedDecision[] = [];
      // Tables first: a diagram's business rule task is checked against the published decisions.
      const ordered = [...files.filter((f) => isDmn(f.name)), ...files.filter((f) => !isDmn(f.name))];
      for (const file of ordered) {
        try {
          if (decisions && isDmn(file.name)) {
            const published = await decisions.publish(file.xml, actor);
            tables.push(...published.decisions.map((d) => ({ ...d, resource: file.name })));
            continue;
          }
          const { procedure, created } = await procedures.publish(file.xml, actor, null);
          versions.push({ ...procedure, resource: file.name, created });
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          const details = (err.details && typeof err.details === 'object' ? err.details : {}) as Record<string, unknown>;
          throw new DomainError(err.code, `${file.name}: ${err.message}`, err.statusCode, {
            ...details,
            resource: file.name,
            published: versions.map((v) => ({ key: v.key, version: v.version, resource: v.resource })),
          });
        }
      }
      const newest = [...versions, ...tables].map((v) => v.createdAt).sort().at(-1) as string;
      return { id: deploymentId(versions, tables), name, deploymentTime: newest, versions, decisions: tables };
    },
  };
}

export type ModelerDeployments = ReturnType<typeof createModelerDeployments>;
