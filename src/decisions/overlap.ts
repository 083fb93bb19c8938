import { splitTopLevel } from './dmn-parse.js';
import type { DecisionTable } from './types.js';

/*
 * Under UNIQUE at most one rule may match. Two rules provably overlap when, in every input
 * column, their entries share a value: one is "-", both are the same text, or both are
 * literal sets (strings, numbers, booleans, comparisons, intervals) that intersect. A cell
 * we cannot read this way (a variable, a function, not(...)) proves nothing: no report.
 */

type Atom =
  | { kind: 'eq'; value: string | number | boolean }
  | { kind: 'range'; low: number; lowIn: boolean; high: number; highIn: boolean };

type Cell = 'any' | Atom[] | undefined;

const NUMBER = /^-?\d+(?:\.\d+)?$/;
const STRING = /^"((?:[^"\\]|\\.)*)"$/;

function atom(part: string): Atom | undefined {
  const text = part.trim();
  const string = STRING.exec(text);
  if (string) return { kind: 'eq', value: string[1] as string };
  if (NUMBER.test(text)) return { kind: 'eq', value: Number(text) };
  if (text === 'true' || text === 'false') return { kind: 'eq', value: text === 'true' };
  const comparison = /^(<=|>=|<|>|=)\s*(-?\d+(?:\.\d+)?)$/.exec(text);
  if (comparison) {
    const value = Number(comparison[2]);
    switch (comparison[1]) {
      case '<': return { kind: 'range', low: -Infinity, lowIn: false, high: value, highIn: false };
      case '<=': return { kind: 'range', low: -Infinity, lowIn: false, high: value, highIn: true };
      case '>': return { kind: 'range', low: value, lowIn: false, high: Infinity, highIn: false };
      case '>=': return { kind: 'range', low: value, lowIn: true, high: Infinity, highIn: false };
      default: return { kind: 'eq', value };
    }
  }
  const interval = /^([[(\]])\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*([\])[])$/.exec(text);
  if (interval) {
    return { kind: 'range', low: Number(interval[2]), lowIn: interval[1] === '[', high: Number(interval[3]), highIn: interval[4] === ']' };
  }
  return undefined;
}

export function readCell(source: string): Cell {
  const text = source.trim();
  if (text === '-' || text === '') return 'any';
  const atoms: Atom[] = [];
  for (const part of splitTopLevel(text)) {
    const parsed = atom(part);
    if (!parsed) return undefined;
    atoms.push(parsed);
  }
  return atoms;
}

function inRange(value: number, r: Extract<Atom, { kind: 'range' }>): boolean {
  return (value > r.low || (r.lowIn && value === r.low)) && (value < r.high || (r.highIn && value === r.high));
}

function atomsMeet(a: Atom, b: Atom): boolean {
  if (a.kind === 'eq' && b.kind === 'eq') return a.value === b.value;
  if (a.kind === 'eq') return typeof a.value === 'number' && inRange(a.value, b as Extract<Atom, { kind: 'range' }>);
  if (b.kind === 'eq') return atomsMeet(b, a);
  const low = Math.max(a.low, b.low);
  const high = Math.min(a.high, b.high);
  if (low < high) return true;
  if (low > high) return false;
  return inRange(low, a) && inRange(low, b);
}

/** 'yes': provably share a value; 'unknown': cannot tell; 'no': provably disjoint. */
function cellsMeet(a: string, b: string, ca: Cell, cb: Cell): 'yes' | 'no' | 'unknown' {
  if (ca === 'any' || cb === 'any') return 'yes';
  if (a.replace(/\s+/g, '') === b.replace(/\s+/g, '')) return 'yes';
  if (!ca || !cb) return 'unknown';
  return ca.some((x) => cb.some((y) => atomsMeet(x, y))) ? 'yes' : 'no';
}

/** Pairs of rule ids that provably overlap (up to `max`), and how many there are in all. */
export function findOverlaps(table: DecisionTable, max: number): { pairs: [string, string][]; total: number } {
  const cells = table.rules.map((rule) => rule.inputEntries.map(readCell));
  const pairs: [string, string][] = [];
  let total = 0;
  for (let i = 0; i < table.rules.length; i += 1) {
    for (let j = i + 1; j < table.rules.length; j += 1) {
      const a = table.rules[i];
      const b = table.rules[j];
      if (!a || !b) continue;
      let overlap = true;
      for (let col = 0; col < table.inputs.length && overlap; col += 1) {
        overlap = cellsMeet(a.inputEntries[col] ?? '-', b.inputEntries[col] ?? '-', cells[i]?.[col], cells[j]?.[col]) === 'yes';
      }
      if (!overlap) continue;
      total += 1;
      if (pairs.length < max) pairs.push([a.id, b.id]);
    }
  }
  return { pairs, total };
}
