/**
 * A form document as PDF (A4), with pdfkit and the DejaVu Serif font shipped in the npm
 * package dejavu-fonts-ttf (full Vietnamese coverage; embedded as a subset, so the text
 * extracts as written). Nothing is fetched at run time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Block, FormDoc, Inline } from './model.js';

const MM = 72 / 25.4;
const require = createRequire(import.meta.url);

type FontName = 'regular' | 'bold' | 'italic';
let fonts: Record<FontName, Buffer> | null = null;

/** The font files, read once (a missing package fails the first PDF, loudly). */
function fontFiles(): Record<FontName, Buffer> {
  fonts ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf')),
    italic: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif-Italic.ttf')),
  };
  return fonts;
}

const pngOf = (dataUrl: string): Buffer => Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');

/** Renders the document; resolves with the PDF bytes. */
export function renderPdf(form: FormDoc): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: form.landscape ? 'landscape' : 'portrait',
    margins: { top: 20 * MM, bottom: 20 * MM, left: form.landscape ? 20 * MM : 30 * MM, right: 20 * MM },
    info: { Title: form.title, Creator: 'bpmn-orchestrator' },
  });
  for (const [name, file] of Object.entries(fontFiles())) doc.registerFont(name, file);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const size = form.landscape ? 10 : 12;
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  // National heading: the organisation and number left, the motto right.
  const top = doc.y;
  const col = width * 0.4;
  const mottoWidth = width * 0.58;
  doc.font('bold').fontSize(size - 1.5).text(form.org.toUpperCase(), left, top, { width: col, align: 'center' });
  if (form.number) doc.font('regular').text(`Số: ${form.number}`, left, doc.y, { width: col, align: 'center' });
  const leftEnd = doc.y;
  const motto = left + width - mottoWidth;
  doc.font('bold').text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', motto, top, { width: mottoWidth, align: 'center' });
  doc.font('bold').text('Độc lập - Tự do - Hạnh phúc', motto, doc.y, { width: mottoWidth, align: 'center', underline: true });
  doc.y = Math.max(leftEnd, doc.y) + 10;

  // The QR code sits top right; text beside it keeps clear of it.
  let qrBottom = 0;
  const qrWidth = 30 * MM;
  if (form.qr) {
    const y = doc.y;
    doc.image(pngOf(form.qr.pngDataUrl), left + width - qrWidth, y, { width: qrWidth });
    doc.font('regular').fontSize(8).text('Tra cứu hồ sơ', left + width - qrWidth, y + qrWidth + 2, { width: qrWidth, align: 'center' });
    doc.text(`Mã xác thực: ${form.qr.verification}`, { width: qrWidth, align: 'center' });
    qrBottom = doc.y;
    doc.y = y;
  }
  const lineWidth = () => (doc.y < qrBottom ? width - qrWidth - 6 * MM : width);

  const runs = (text: Inline[], options: PDFKit.Mixins.TextOptions = {}) => {
    const w = lineWidth();
    const parts = text.length ? text : [''];
    doc.x = left;
    parts.forEach((t, n) => {
      const [font, s] = typeof t === 'string' ? (['regular', t] as const) : 'b' in t ? (['bold', t.b] as const) : (['italic', t.i] as const);
      doc.font(font).fontSize(size).text(s, { ...options, width: w, continued: n < parts.length - 1 });
    });
    doc.moveDown(0.3);
  };

  const table = (x: Extract<Block, { kind: 'table' }>) => {
    const rel = x.widths ?? x.head.map(() => 1);
    const total = rel.reduce((a, w) => a + w, 0);
    const cols = rel.map((w) => (w / total) * width);
    const pad = 3;
    const fontSize = form.landscape ? size - 2.5 : size - 2;
    const row = (cells: string[], font: FontName) => {
      doc.font(font).fontSize(fontSize);
      const h = Math.max(...cells.map((c, n) => doc.heightOfString(c || ' ', { width: (cols[n] ?? 0) - 2 * pad }))) + 2 * pad;
      if (doc.y + h > bottom()) doc.addPage();
      const y = doc.y;
      let cx = left;
      cells.forEach((c, n) => {
        const w = cols[n] ?? 0;
        doc.rect(cx, y, w, h).lineWidth(0.5).stroke();
        doc.font(font).fontSize(fontSize).text(c, cx + pad, y + pad, { width: w - 2 * pad });
        cx += w;
      });
      doc.x = left;
      doc.y = y + h;
    };
    row(x.head, 'bold');
    for (const r of x.rows) row(r, 'regular');
    doc.moveDown(0.5);
  };

  const sign = (x: Extract<Block, { kind: 'sign' }>) => {
    if (doc.y + 90 > bottom()) doc.addPage();
    doc.moveDown(1);
    const y = doc.y;
    const w = width * 0.45;
    if (x.left) {
      doc.font('bold').fontSize(size).text(x.left, left, y + doc.currentLineHeight() * 1.2, { width: w, align: 'center' });
      doc.font('italic').text('(Ký, ghi rõ họ tên)', { width: w, align: 'center' });
    }
    const rx = left + width - w;
    doc.font('italic').fontSize(size).text(x.dateLine, rx, y, { width: w, align: 'center' });
    doc.font('bold').text(x.right, rx, doc.y, { width: w, align: 'center' });
    doc.font('italic').text('(Ký, ghi rõ họ tên)', rx, doc.y, { width: w, align: 'center' });
    doc.x = left;
  };

  for (const x of form.blocks) {
    switch (x.kind) {
      case 'title':
        doc.moveDown(0.5);
        doc.x = left;
        doc.font('bold').fontSize(size + 1).text(x.text.toUpperCase(), { width: lineWidth(), align: 'center' });
        break;
      case 'sub':
        doc.x = left;
        doc.font('italic').fontSize(size).text(x.text.map((t) => (typeof t === 'string' ? t : 'b' in t ? t.b : t.i)).join(''), { width: lineWidth(), align: 'center' });
        doc.moveDown(0.6);
        break;
      case 'p':
        runs(x.text);
        break;
      case 'list':
        if (!x.items.length) runs(['…']);
        x.items.forEach((item, n) => runs([`${n + 1}. ${item}`], { indent: 12 }));
        break;
      case 'table':
        if (doc.y < qrBottom) doc.y = qrBottom + 4;
        table(x);
        break;
      case 'sign':
        sign(x);
        break;
    }
  }
  doc.end();
  return done;
}
