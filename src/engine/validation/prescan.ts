/**
 * A cheap linear look at the raw XML, done before bpmn-moddle sees it: rejects document
 * type declarations (entity expansion, "billion laughs") and deep nesting, and counts the
 * markup so the caller can estimate how long the parse may take.
 */

export const MAX_DEPTH = 64;

export type ScanResult =
  | { kind: 'ok'; markupCount: number; maxDepth: number }
  | { kind: 'forbidden'; construct: string; offset: number }
  | { kind: 'too-deep'; offset: number };

export function scanXml(xml: string): ScanResult {
  const length = xml.length;
  let index = 0;
  let depth = 0;
  let maxDepth = 0;
  let markupCount = 0;

  while (index < length) {
    const lt = xml.indexOf('<', index);
    if (lt === -1) break;
    markupCount += 1;
    const next = xml.charCodeAt(lt + 1);

    if (next === 0x21 /* ! */) {
      if (xml.startsWith('!--', lt + 1)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end === -1) break;
        index = end + 3;
        continue;
      }
      if (xml.startsWith('![CDATA[', lt + 1)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end === -1) break;
        index = end + 3;
        continue;
      }
      // <!DOCTYPE, <!ENTITY, <!ELEMENT, <!ATTLIST, or anything else declaration-like.
      const word = /^<!\s*([A-Za-z]*)/.exec(xml.slice(lt, lt + 32))?.[1] ?? '';
      return { kind: 'forbidden', construct: `<!${word.toUpperCase()}`, offset: lt };
    }

    if (next === 0x3f /* ? */) {
      // Processing instruction (the xml declaration among them): harmless.
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1) break;
      index = end + 2;
      continue;
    }

    if (next === 0x2f /* / */) {
      depth -= 1;
      const end = xml.indexOf('>', lt + 2);
      if (end === -1) break;
      index = end + 1;
      continue;
    }

    // Start tag: find its end outside quoted attribute values.
    let cursor = lt + 1;
    let quote = 0;
    let end = -1;
    while (cursor < length) {
      const code = xml.charCodeAt(cursor);
      if (quote !== 0) {
        if (code === quote) quote = 0;
      } else if (code === 0x22 || code === 0x27) {
        quote = code;
      } else if (code === 0x3e /* > */) {
        end = cursor;
        break;
      } else if (code === 0x3c /* < */) {
        // A '<' inside a tag: malformed; let the parser report it.
        break;
      }
      cursor += 1;
    }
    if (end === -1) {
      index = cursor;
      continue;
    }
    if (xml.charCodeAt(end - 1) !== 0x2f /* / */) {
      depth += 1;
      if (depth > maxDepth) maxDepth = depth;
      if (depth > MAX_DEPTH) return { kind: 'too-deep', offset: lt };
    }
    index = end + 1;
  }

  return { kind: 'ok', markupCount, maxDepth };
}
