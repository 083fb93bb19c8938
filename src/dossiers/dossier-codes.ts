import { DateTime } from 'luxon';
import type { Collection, Db } from 'mongodb';
import { DomainError } from '../domain/errors.js';
import { isDuplicateKey } from '../store/mongo.js';

interface CodeDoc {
  _id: string;
  agency: string;
  day: string;
  seq: number;
  dossierId: string;
  at: string;
}

export const DEFAULT_CODE_FORMAT = '{agency}-{yymmdd}-{seq4}';

/**
 * Dossier codes `<agency id>-<yymmdd>-<4-digit daily sequence>` (format configurable).
 * Each code is claimed by inserting it under a unique key, so two replicas can never hand
 * out the same one, and a claimed code is never given again (even if its receipt failed).
 */
export function createDossierCodes(db: Db, format = DEFAULT_CODE_FORMAT) {
  const codes: Collection<CodeDoc> = db.collection('dossier_codes');
  const ready = codes.createIndex({ agency: 1, day: 1, seq: -1 });

  const render = (agency: string, day: DateTime, seq: number) =>
    format
      .replace('{agency}', agency)
      .replace('{yymmdd}', day.toFormat('yyMMdd'))
      .replace('{yyyymmdd}', day.toFormat('yyyyMMdd'))
      .replace('{seq4}', String(seq).padStart(4, '0'))
      .replace('{seq}', String(seq));

  return {
    async allocate(agency: string, at: Date, dossierId: string): Promise<string> {
      await ready;
      const day = DateTime.fromJSDate(at, { zone: 'Asia/Ho_Chi_Minh' });
      const dayKey = day.toFormat('yyyyMMdd');
      for (let attempt = 0; attempt < 50; attempt++) {
        const last = await codes.find({ agency, day: dayKey }).sort({ seq: -1 }).limit(1).next();
        const seq = (last?.seq ?? 0) + 1;
        if (seq > 9999 && format.includes('{seq4}')) {
          throw new DomainError('DOSSIER_CODES_EXHAUSTED', `agency ${agency} used all 9999 codes of ${dayKey}`, 503);
        }
        const code = render(agency, day, seq);
        try {
          await codes.insertOne({ _id: code, agency, day: dayKey, seq, dossierId, at: at.toISOString() });
          return code;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Ours after all (an insert FerretDB retried), or another receipt's: then take the next.
          const holder = await codes.findOne({ _id: code }, { projection: { dossierId: 1 } });
          if (holder?.dossierId === dossierId) return code;
        }
      }
      throw new DomainError('DOSSIER_CODE_CONTENDED', `could not allocate a dossier code for ${agency}`, 503);
    },
  };
}

export type DossierCodes = ReturnType<typeof createDossierCodes>;
