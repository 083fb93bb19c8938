/**
 * A linear look at the raw XML before bpmn-moddle sees it. It counts the work the parse
 * will do (elements, attributes, nesting) against the limits, refuses document type
 * declarations (entity expansion, "billion laughs"), and refuses the malformed tags and
 * undeclared prefixes that the parser would only warn about: each such warning makes it
 * count lines from the start of the document, so thousands of them cost minutes.
 */

export interface ScanLimits {
  maxXmlElements: number;
  maxDepth: number;
  maxAttributesPerElement: number;
  maxAttributes: number;
}

export type ScanResult =
  | { kind: 'ok'; elements: number; attributes: number; maxDepth: number }
  | { kind: 'refused'; code: string; message: string; offset: number };

const NAME = /[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?/y;
const SPACE = /[ \t\r\n]*/y;

export function scanXml(xml: string, limits: ScanLimits): ScanResult {
  const length = xml.length;
  let index = xml.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark
  let depth = 0;
  let maxDepth = 0;
  let elements = 0;
  let attributes = 0;
  let roots = 0;
  // Namespace prefixes in scope: how many open elements declare each; per depth, what each declared.
  const declared = new Map<string, number>(['xml', 'xmlns'].map((p) => [p, 1]));
  const declaredAt: (string[] | undefined)[] = [];
  const refuse = (code: string, message: string, offset: number): ScanResult => ({ kind: 'refused', code, message, offset });

  while (index < length) {
    const lt = xml.indexOf('<', index);
    const textEnd = lt === -1 ? length : lt;
    if (depth === 0 && /[^ \t\r\n]/.test(xml.slice(index, textEnd))) {
      return refuse('XML_MALFORMED', 'there is text outside the root element', index);
    }
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);

    if (next === 0x21 /* ! */) {
      if (xml.startsWith('!--', lt + 1)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end === -1) return refuse('XML_MALFORMED', 'a comment is not closed', lt);
        index = end + 3;
        continue;
      }
      if (xml.startsWith('![CDATA[', lt + 1)) {
        if (depth === 0) return refuse('XML_MALFORMED', 'there is a CDATA section outside the root element', lt);
        const end = xml.indexOf(']]>', lt + 9);
        if (end === -1) return refuse('XML_MALFORMED', 'a CDATA section is not closed', lt);
        index = end + 3;
        continue;
      }
      // <!DOCTYPE, <!ENTITY, <!ELEMENT, <!ATTLIST, or anything else declaration-like.
      const word = /^<!\s*([A-Za-z]*)/.exec(xml.slice(lt, lt + 32))?.[1] ?? '';
      return refuse(
        'XML_FORBIDDEN',
        `<!${word.toUpperCase()} declarations are not accepted (document type and entity declarations are refused for safety); export the diagram again from the modeler`,
        lt,
      );
    }

    if (next === 0x3f /* ? */) {
      // Processing instruction (the xml declaration among them): harmless.
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1) return refuse('XML_MALFORMED', 'a processing instruction is not closed', lt);
      index = end + 2;
      continue;
    }

    if (next === 0x2f /* / */) {
      const end = xml.indexOf('>', lt + 2);
      if (end === -1) return refuse('XML_MALFORMED', 'an end tag is not closed', lt);
      if (depth === 0) return refuse('XML_MALFORMED', 'an end tag has no start tag', lt);
      for (const prefix of declaredAt[depth] ?? []) declared.set(prefix, (declared.get(prefix) ?? 1) - 1);
      declaredAt[depth] = undefined;
      depth -= 1;
      index = end + 1;
      continue;
    }

    // A start tag: name, then `name="value"` pairs, then `>` or `/>`.
    elements += 1;
    if (elements > limits.maxXmlElements) {
      return refuse('TOO_MANY_ELEMENTS', `the document has more than ${limits.maxXmlElements} elements`, lt);
    }
    if (depth === 0 && ++roots > 1) return refuse('XML_MALFORMED', 'the document has more than one root element', lt);
    NAME.lastIndex = lt + 1;
    const name = NAME.exec(xml)?.[0];
    if (name === undefined) return refuse('XML_MALFORMED', 'a tag has no valid name', lt);
    let cursor = lt + 1 + name.length;
    const names = new Set<string>();
    const used: string[] = [name];
    const declares: string[] = [];
    let selfClosing = false;
    for (;;) {
      SPACE.lastIndex = cursor;
      const spaced = (SPACE.exec(xml)?.[0].length ?? 0) > 0;
      cursor = SPACE.lastIndex;
      const code = xml.charCodeAt(cursor);
      if (code === 0x3e /* > */) break;
      if (code === 0x2f /* / */ && xml.charCodeAt(cursor + 1) === 0x3e) {
        selfClosing = true;
        cursor += 1;
        break;
      }
      NAME.lastIndex = cursor;
      const attribute = spaced ? NAME.exec(xml)?.[0] : undefined;
      if (attribute === undefined) return refuse('XML_MALFORMED', `the tag <${name}> is malformed`, lt);
      cursor += attribute.length;
      SPACE.lastIndex = cursor;
      SPACE.exec(xml);
      cursor = SPACE.lastIndex;
      if (xml.charCodeAt(cursor) !== 0x3d /* = */) return refuse('XML_MALFORMED', `attribute ${attribute} of <${name}> has no value`, lt);
      SPACE.lastIndex = cursor + 1;
      SPACE.exec(xml);
      cursor = SPACE.lastIndex;
      const quote = xml[cursor];
      if (quote !== '"' && quote !== "'") return refuse('XML_MALFORMED', `attribute ${attribute} of <${name}> is not quoted`, lt);
      const close = xml.indexOf(quote, cursor + 1);
      if (close === -1) return refuse('XML_MALFORMED', `attribute ${attribute} of <${name}> is not closed`, lt);
      if (xml.slice(cursor + 1, close).includes('<')) return refuse('XML_MALFORMED', `attribute ${attribute} of <${name}> contains "<"`, lt);
      cursor = close + 1;
      if (names.has(attribute)) return refuse('XML_MALFORMED', `attribute ${attribute} appears twice on <${name}>`, lt);
      names.add(attribute);
      attributes += 1;
      if (names.size > limits.maxAttributesPerElement) {
        return refuse('TOO_MANY_ATTRIBUTES', `<${name}> has more than ${limits.maxAttributesPerElement} attributes`, lt);
      }
      if (attributes > limits.maxAttributes) {
        return refuse('TOO_MANY_ATTRIBUTES', `the document has more than ${limits.maxAttributes} attributes`, lt);
      }
      if (attribute.startsWith('xmlns:')) declares.push(attribute.slice(6));
      else if (attribute.includes(':')) used.push(attribute);
    }
    for (const prefix of declares) declared.set(prefix, (declared.get(prefix) ?? 0) + 1);
    for (const qualified of used) {
      const colon = qualified.indexOf(':');
      const prefix = colon === -1 ? '' : qualified.slice(0, colon);
      if (prefix !== '' && (declared.get(prefix) ?? 0) <= 0) {
        return refuse('XML_MALFORMED', `the prefix "${prefix}" of ${qualified} is not declared (xmlns:${prefix}="...")`, lt);
      }
    }
    if (selfClosing) {
      for (const prefix of declares) declared.set(prefix, (declared.get(prefix) ?? 1) - 1);
    } else {
      depth += 1;
      if (depth > maxDepth) maxDepth = depth;
      if (depth > limits.maxDepth) return refuse('XML_TOO_DEEP', `elements are nested more than ${limits.maxDepth} levels deep`, lt);
      declaredAt[depth] = declares.length > 0 ? declares : undefined;
    }
    index = cursor + 1;
  }

  if (roots === 0) return refuse('XML_MALFORMED', 'the document has no root element', 0);
  if (depth > 0) return refuse('XML_MALFORMED', 'the document ends before its elements are closed', length);
  return { kind: 'ok', elements, attributes, maxDepth };
}

/** 1-based line and column of an offset, for messages. */
export function position(xml: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = xml.indexOf('\n'); i !== -1 && i < offset; i = xml.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}
