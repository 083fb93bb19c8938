/**
 * Document shapes from the real service: one dossier per procedure and state, received and
 * moved through the HTTP API on a scratch database (then dropped), so every seeded case,
 * task and history entry has exactly the fields the commit pipeline writes.
 */
import type { CaseDoc, HistoryEntry, TaskDoc } from '../../../src/domain/case.js';
import { connectDatabase } from '../../../src/store/mongo.js';
import { EXAMPLES } from '../../../tests/fixtures/dossier-examples.js';
import { openService, withDatabase } from './service.js';

export type TemplateState = 'processing' | 'supplement' | 'payment';
export interface Shape {
  case: CaseDoc;
  tasks: TaskDoc[];
  history: HistoryEntry[];
}
export interface ProcedureTemplate {
  key: string;
  name: string;
  /** The commune the template was received at (replaced by each seeded dossier's). */
  unitId: string;
  states: Record<TemplateState, Shape>;
}

const TEMPLATE_UNIT = 'xa-dong-lua';

export async function captureTemplates(mongoUrl: string, redisUrl: string, processesDir: string, scratchDb: string): Promise<ProcedureTemplate[]> {
  const svc = await openService(withDatabase(mongoUrl, scratchDb), redisUrl, processesDir);
  try {
    const { container, adminKey } = svc;
    await container.publishDirectory(processesDir);
    const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await container.app.inject({ method, url, headers: { authorization: `Bearer ${adminKey}` }, ...(payload ? { payload } : {}) });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json() as { id: string };
    };
    const list = ((await call('GET', '/v1/procedures')) as unknown as { items: { key: string; name: string }[] }).items;
    const database = await connectDatabase(svc.mongoUrl);
    const out: ProcedureTemplate[] = [];
    try {
      for (const key of Object.keys(EXAMPLES).sort()) {
        const name = list.find((p) => p.key === key)?.name ?? key;
        const shape = async (op?: [string, object]): Promise<Shape> => {
          const { id } = await call('POST', '/v1/dossiers', {
            procedureKey: key,
            applicant: { name: 'Nguyễn Văn An', phone: '0912000000' },
            data: EXAMPLES[key]!.valid,
            channel: 'in-person',
            receivingUnitId: TEMPLATE_UNIT,
          });
          if (op) await call('POST', `/v1/dossiers/${id}/${op[0]}`, op[1]);
          const doc = await database.collections.cases.findOne({ _id: id });
          if (!doc?.dossier) throw new Error(`template ${key}: no dossier stored`);
          return {
            case: doc,
            tasks: await database.collections.tasks.find({ caseId: id }).toArray(),
            history: await database.collections.history.find({ caseId: id }).sort({ seq: 1 }).toArray(),
          };
        };
        out.push({
          key,
          name,
          unitId: TEMPLATE_UNIT,
          states: {
            processing: await shape(),
            supplement: await shape(['supplement-request', { reason: 'Thiếu bản sao giấy tờ tùy thân', items: ['Bản sao CCCD'] }]),
            payment: await shape(['payment-request', { reason: 'Nộp lệ phí', amount: 50_000 }]),
          },
        });
      }
    } finally {
      await database.close();
    }
    return out;
  } finally {
    await svc.close({ dropDatabase: true });
  }
}
