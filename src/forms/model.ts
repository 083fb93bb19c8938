/**
 * A printable form as data: the heading and a list of blocks. The same document renders to
 * HTML (src/forms/html.ts) and to PDF (src/forms/pdf.ts), so both show the same fields.
 */

/** A run of text: plain, bold or italic. */
export type Inline = string | { b: string } | { i: string };

export type Block =
  | { kind: 'title'; text: string }
  /** A centred italic line under the title (the dossier number, the period). */
  | { kind: 'sub'; text: Inline[] }
  | { kind: 'p'; text: Inline[] }
  /** A numbered list; empty prints "…". */
  | { kind: 'list'; items: string[] }
  /** A ruled table; `widths` are relative column widths. */
  | { kind: 'table'; head: string[]; rows: string[][]; widths?: number[] }
  /** Two signature blocks; the right one under the place-and-date line. */
  | { kind: 'sign'; left: string; right: string; dateLine: string };

export interface FormDoc {
  /** The document title (HTML <title>, PDF metadata). */
  title: string;
  /** The issuing organisation, top left under which the number goes. */
  org: string;
  number?: string;
  landscape?: boolean;
  /** The receipt slip's QR code of the public lookup and its verification value. */
  qr?: { pngDataUrl: string; verification: string };
  blocks: Block[];
}

export const b = (text: string): Inline => ({ b: text });
export const i = (text: string): Inline => ({ i: text });
export const p = (...text: Inline[]): Block => ({ kind: 'p', text });

/** The plain text of a run list (what a reader of either rendering sees). */
export const plain = (text: Inline[]): string => text.map((t) => (typeof t === 'string' ? t : 'b' in t ? t.b : t.i)).join('');
