import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES, validateDiagram } from '../../src/engine/validation/index.js';
import { repoRoot } from './helpers.js';

const dir = path.resolve(repoRoot, '../shared/corpus/bpmn-miwg');

function diagramsUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(root)) {
    const full = path.join(root, entry);
    if (statSync(full).isDirectory()) found.push(...diagramsUnder(full));
    else if (/\.(bpmn|xml)$/i.test(entry)) found.push(full);
  }
  return found.sort();
}

describe.skipIf(!existsSync(dir))('BPMN MIWG corpus', () => {
  const files = diagramsUnder(dir);

  it('has diagrams', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [path.relative(dir, f), f]))('%s is answered within 2 s', async (_name, file) => {
    const xml = readFileSync(file, 'utf8');
    const started = performance.now();
    const outcome = await validateDiagram(xml, { plugins: new Set(['echo']) });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000);
    if (outcome.ok) {
      expect(outcome.processId).not.toBe('');
    } else {
      expect(outcome.problems.length).toBeGreaterThan(0);
      expect(outcome.problems.length).toBeLessThanOrEqual(200);
      for (const p of outcome.problems) {
        expect(PROBLEM_CODES as readonly string[]).toContain(p.code);
        expect(p.message).not.toBe('');
      }
    }
  });
});
