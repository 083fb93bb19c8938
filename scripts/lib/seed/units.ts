/**
 * The organisation the seed spreads dossiers over: processes/units.json (the province, its
 * departments and four communes, created by the normal start-up seeding) plus generated
 * communes under the province until `communes` exist, created through the unit service.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseUnitSeed } from '../../../src/org/seed.js';
import type { NewUnit } from '../../../src/org/types.js';

export interface SeedUnit {
  id: string;
  code: string;
  name: string;
}

/** Vietnamese commune names (ASCII slugs beside them), numbered when the list runs out. */
const NAMES: readonly [string, string][] = [
  ['Tân Phú', 'tan-phu'], ['Hòa Bình', 'hoa-binh'], ['An Lạc', 'an-lac'], ['Phú Mỹ', 'phu-my'], ['Bình Minh', 'binh-minh'],
  ['Thạnh Lợi', 'thanh-loi'], ['Long Hưng', 'long-hung'], ['Vĩnh Phúc', 'vinh-phuc'], ['Đông Hải', 'dong-hai'], ['Tây Sơn', 'tay-son'],
  ['Phước Lộc', 'phuoc-loc'], ['Mỹ Xuyên', 'my-xuyen'], ['Hưng Thịnh', 'hung-thinh'], ['Quang Trung', 'quang-trung'], ['Nam Cường', 'nam-cuong'],
];

export function readBaseUnits(processesDir: string): NewUnit[] {
  return parseUnitSeed(readFileSync(path.join(processesDir, 'units.json'), 'utf8'));
}

/** The communes of the base file and the generated ones to create (deterministic, no randomness). */
export function communePlan(base: readonly NewUnit[], communes: number): { communes: SeedUnit[]; toCreate: NewUnit[] } {
  const province = base.find((u) => u.kind === 'province');
  if (!province) throw new Error('units.json has no province');
  const existing = base.filter((u) => u.kind === 'commune').slice(0, communes);
  const toCreate: NewUnit[] = [];
  for (let i = existing.length; i < communes; i++) {
    const n = i - existing.length;
    const [name, slug] = NAMES[n % NAMES.length]!;
    const round = Math.floor(n / NAMES.length);
    const suffix = round > 0 ? ` ${round + 1}` : '';
    toCreate.push({
      id: `xa-${slug}${round > 0 ? `-${round + 1}` : ''}`,
      code: `000.${String(10 + Math.floor(i / 100)).padStart(2, '0')}.${String(i % 100).padStart(2, '0')}.S99`,
      name: `UBND xã ${name}${suffix}`,
      kind: 'commune',
      parentId: province.id,
    });
  }
  return { communes: [...existing, ...toCreate].map(({ id, code, name }) => ({ id, code, name })), toCreate };
}
