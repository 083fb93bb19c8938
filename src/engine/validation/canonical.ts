import { createHash } from 'node:crypto';
import type { ModdleElement } from 'bpmn-moddle';
import { isElement } from './model.js';

/*
 * What makes two uploads the same diagram: the model bpmn-moddle reads from them, not their
 * bytes. Whitespace between elements, attribute order and quoting, self-closing tags and
 * character references do not reach the model; element order, ids, names, texts do.
 */

type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

function canonical(value: unknown, depth: number): Canonical {
  if (depth > 200) return null;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => canonical(v, depth + 1));
  if (!isElement(value)) return null;
  return element(value, depth);
}

function element(el: ModdleElement, depth: number): Canonical {
  const out: { [key: string]: Canonical } = { $type: el.$type };
  const described = (el as { $descriptor?: { propertiesByName?: Record<string, { isReference?: boolean }> } }).$descriptor?.propertiesByName ?? {};
  for (const key of Object.keys(el).sort()) {
    if (key.startsWith('$')) continue;
    const value = (el as Record<string, unknown>)[key];
    if (described[key]?.isReference) {
      out[key] = Array.isArray(value) ? value.map(refId) : refId(value);
    } else {
      out[key] = canonical(value, depth + 1);
    }
  }
  const attrs = el.$attrs;
  if (attrs && typeof attrs === 'object') {
    const sorted: { [key: string]: Canonical } = {};
    for (const key of Object.keys(attrs).sort()) sorted[key] = String(attrs[key]);
    if (Object.keys(sorted).length > 0) out.$attrs = sorted;
  }
  const body = (el as { $body?: unknown }).$body;
  if (typeof body === 'string') out.$body = body;
  const children = (el as { $children?: unknown }).$children;
  if (Array.isArray(children)) out.$children = canonical(children, depth + 1);
  return out;
}

function refId(value: unknown): Canonical {
  return isElement(value) && typeof value.id === 'string' ? `#${value.id}` : null;
}

/** sha256 of the canonical form of a parsed diagram, plus anything published with it (the schema). */
export function canonicalHash(root: ModdleElement, extra: string): string {
  return createHash('sha256').update('bpmn-model-v1\u0000').update(JSON.stringify(element(root, 0))).update('\u0000').update(extra).digest('hex');
}
