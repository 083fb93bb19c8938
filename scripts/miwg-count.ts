/**
 * How many diagrams of the OMG BPMN MIWG corpus pass publish-time validation (the same
 * validateDiagram that POST /v1/procedures runs), and which problem codes stop the rest.
 * Run: `node --import tsx scripts/miwg-count.ts [corpus dir] [--list]`
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateDiagram } from '../src/engine/validation/index.js';

const args = process.argv.slice(2);
const listAll = args.includes('--list');
const root = args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '../../shared/corpus/bpmn-miwg');

async function bpmnFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await bpmnFiles(path)));
    else if (entry.name.endsWith('.bpmn')) out.push(path);
  }
  return out.sort();
}

const files = await bpmnFiles(root);
let published = 0;
const byCode = new Map<string, number>();
for (const file of files) {
  const outcome = await validateDiagram(await readFile(file, 'utf8'), { plugins: new Set() });
  const name = file.slice(root.length + 1);
  if (outcome.ok) {
    published += 1;
    if (listAll) console.log(`ok    ${name}`);
    continue;
  }
  const codes = [...new Set(outcome.problems.map((p) => p.code))];
  for (const code of codes) byCode.set(code, (byCode.get(code) ?? 0) + 1);
  if (listAll) console.log(`REFUSED ${name}: ${codes.join(', ')}`);
}
console.log(`${published} of ${files.length} diagrams publish`);
for (const [code, count] of [...byCode].sort((a, b) => b[1] - a[1])) console.log(`  ${code}: refused ${count}`);
