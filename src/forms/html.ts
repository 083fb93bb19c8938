/** Escaped HTML templates for the printable forms: every interpolated value is escaped unless wrapped in raw(). */
import type { Block, FormDoc, Inline } from './model.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Markup that is already safe (built by html`` or a fixed string). */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const raw = (value: string): Raw => new Raw(value);

function part(value: unknown): string {
  if (value instanceof Raw) return value.value;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** Tagged template: `html\`<td>${name}</td>\`` escapes `name`; arrays of Raw are joined. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += part(v) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

const CSS = `
@page { size: A4; margin: 20mm 20mm 20mm 30mm; }
body { font-family: "Times New Roman", Times, serif; font-size: 13pt; line-height: 1.4; max-width: 170mm; margin: 0 auto; color: #000; }
.head { display: flex; justify-content: space-between; text-align: center; }
.head div { width: 48%; }
.head .org { text-transform: uppercase; }
.motto { font-weight: bold; }
h1 { text-align: center; font-size: 14pt; text-transform: uppercase; margin: 18px 0 4px; }
.sub { text-align: center; font-style: italic; margin: 0 0 14px; }
.sign { display: flex; justify-content: space-between; margin-top: 24px; text-align: center; }
.sign div { width: 45%; }
table { width: 100%; border-collapse: collapse; font-size: 11pt; }
th, td { border: 1px solid #000; padding: 3px 5px; vertical-align: top; }
.qr { float: right; width: 32mm; text-align: center; font-size: 9pt; }
.qr img { width: 30mm; height: 30mm; }
.wide { max-width: none; }
@media print { .noprint { display: none; } }
`;

/** A4 page with the national heading (Quốc hiệu, tiêu ngữ) and the issuing organisation. */
export function page(title: string, org: string, body: Raw, options: { number?: string; landscape?: boolean } = {}): string {
  const landscape = options.landscape ? raw('<style>@page { size: A4 landscape; } body { max-width: 257mm; }</style>') : '';
  return html`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>${title}</title><style>${raw(CSS)}</style>${landscape}</head>
<body>
<div class="head"><div><div class="org">${org}</div>${options.number ? html`<div>Số: ${options.number}</div>` : ''}</div>
<div><div class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div><u>Độc lập - Tự do - Hạnh phúc</u></div></div></div>
${body}
</body></html>`.value;
}

function inline(text: Inline[]): Raw {
  return html`${text.map((t) => (typeof t === 'string' ? html`${t}` : 'b' in t ? html`<b>${t.b}</b>` : html`<i>${t.i}</i>`))}`;
}

/** A cell's line breaks (an address under a name) as <br>. */
const cellLines = (c: string): Raw[] => c.split('\n').map((line, n) => (n ? html`<br>${line}` : html`${line}`));

function block(x: Block): Raw {
  switch (x.kind) {
    case 'title':
      return html`<h1>${x.text}</h1>`;
    case 'sub':
      return html`<p class="sub">${inline(x.text)}</p>`;
    case 'p':
      return html`<p>${inline(x.text)}</p>`;
    case 'list':
      return x.items.length ? html`<ol>${x.items.map((item) => html`<li>${item}</li>`)}</ol>` : html`<p>…</p>`;
    case 'table':
      return html`<table><tr>${x.head.map((h) => html`<th>${h}</th>`)}</tr>
${x.rows.map((r) => html`<tr>${r.map((c) => html`<td>${cellLines(c)}</td>`)}</tr>`)}</table>`;
    case 'sign':
      return html`<div class="sign"><div><b>${x.left}</b>${x.left ? html`<br><i>(Ký, ghi rõ họ tên)</i>` : ''}</div>
<div><i>${x.dateLine}</i><br><b>${x.right}</b><br><i>(Ký, ghi rõ họ tên)</i></div></div>`;
  }
}

/** A form document as a printable A4 HTML page. */
export function renderHtml(doc: FormDoc): string {
  const qr = doc.qr ? html`<div class="qr"><img alt="QR tra cứu" src="${doc.qr.pngDataUrl}"><br>Tra cứu hồ sơ<br>Mã xác thực: <b>${doc.qr.verification}</b></div>` : '';
  const body = html`${qr}${doc.blocks.map((x) => html`${block(x)}\n`)}`;
  return page(doc.title, doc.org, body, { ...(doc.number ? { number: doc.number } : {}), ...(doc.landscape ? { landscape: true } : {}) });
}
