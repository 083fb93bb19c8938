import type { FormDoc } from './model.js';
import { renderPdf } from './pdf.js';

/*
 * PDF rendering in a thread of its own (pdf-pool.ts): pdfkit lays out every word through
 * fontkit's shaper, a few hundred milliseconds of CPU per form here, which must not stall
 * the requests and jobs of the main thread.
 */
export default async function render(form: FormDoc): Promise<Uint8Array> {
  return renderPdf(form);
}
