import type { PhrasingContent, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { formatLocalTime } from '../time-format';

/** What a signed copy shows (API contract Part 5): the text as signed, who signed it, when, and how. */
export interface SignedCopy {
  title: string;
  version: number;
  sha256: string;
  text: string;
  name: string;
  mobile: string;
  signedAt: number;
  visitorId: string;
  /** The signature as libvips drew it again (media/signature.ts); null when it could not be read. */
  signature: Buffer | null;
}

// DejaVu covers Latin, Greek and Cyrillic names (PDF's own fonts only Western European ones).
const fontFile = (name: string): string =>
  createRequire(__filename).resolve(`dejavu-fonts-ttf/ttf/DejaVuSans${name}.ttf`);
const FONTS = { body: '', bold: '-Bold', italic: '-Oblique', boldItalic: '-BoldOblique' } as const;
type FontName = keyof typeof FONTS;

const GREY = '#555555';
/** Deeper quotes and lists than this are laid out as their text: a page has no room for more. */
const MAX_DEPTH = 6;
/** Words longer than this get places to break (soft hyphens): the line breaker measures every prefix of a word. */
const LONG_WORD = 40;

/** A long word with a soft hyphen every LONG_WORD characters, so a line can break inside it. */
const breakable = (text: string): string =>
  text.replace(new RegExp(`\\S{${LONG_WORD + 1},}`, 'gu'), (word) =>
    (word.match(new RegExp(`.{1,${LONG_WORD}}`, 'gu')) ?? [word]).join('\u00ad'),
  );

/**
 * The signed copy as a PDF, made from what the desk keeps (db/migrations/013-checkin-flows.ts):
 * the Markdown is laid out with its headings, lists, emphasis and links; nothing of it runs. The
 * file's dates are the signing time, so the same copy comes out the same on every desk.
 */
export function renderSignedCopy(copy: SignedCopy): Promise<Buffer> {
  const signedAt = new Date(copy.signedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: {
      Title: `${copy.title} (version ${copy.version}), signed by ${copy.name}`,
      Producer: 'Frontdesk',
      Creator: 'Frontdesk',
      CreationDate: signedAt,
      ModDate: signedAt,
    },
  });
  for (const [name, suffix] of Object.entries(FONTS)) doc.registerFont(name, fontFile(suffix));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('bold').fontSize(18).text(copy.title);
  doc
    .moveDown(0.3)
    .font('body')
    .fontSize(9)
    .fillColor(GREY)
    .text(`Version ${copy.version} · SHA-256 of the text: ${copy.sha256}`);
  doc.fillColor('black').moveDown(1);
  let blocks: RootContent[] | undefined;
  try {
    blocks = fromMarkdown(copy.text).children;
  } catch {
    // Markdown nested beyond what the parser's stack holds (a text from another desk is not
    // checked as a text typed here is): the text as it was written, line by line.
  }
  if (blocks) for (const block of blocks) renderBlock(doc, block, 0);
  else doc.font('body').fontSize(11).text(breakable(copy.text));

  doc.moveDown(1.5);
  if (doc.y > doc.page.height - 260) doc.addPage();
  doc.font('bold').fontSize(11).text('Signed');
  doc.font('body').fontSize(11).text(`${copy.name} · ${copy.mobile}`);
  doc.text(formatLocalTime(copy.signedAt));
  const top = doc.y + 8;
  // The signature fitted to a box of the pad's proportions, with the line it was signed on under it.
  const box = { width: 300, height: 90 };
  if (copy.signature) {
    doc.image(copy.signature, doc.page.margins.left, top, { fit: [box.width, box.height], valign: 'bottom' });
  } else {
    doc.font('body').fontSize(9).fillColor(GREY).text('(the signature could not be read)', doc.page.margins.left, top);
  }
  const line = top + box.height + 4;
  doc
    .moveTo(doc.page.margins.left, line)
    .lineTo(doc.page.margins.left + box.width, line)
    .strokeColor(GREY)
    .stroke();
  doc
    .font('body')
    .fontSize(8)
    .fillColor(GREY)
    .text(`Signed on the desk's screen at check-in. Visit ${copy.visitorId}.`, doc.page.margins.left, line + 6);
  doc.end();
  return done;
}

function renderBlock(doc: PDFKit.PDFDocument, node: RootContent, depth: number): void {
  if (depth > MAX_DEPTH) {
    doc
      .font('body')
      .fontSize(11)
      .text(breakable(plainText(node)), { indent: MAX_DEPTH * 16 });
    return;
  }
  switch (node.type) {
    case 'heading': {
      const size = [16, 14, 12.5, 11.5, 11, 11][node.depth - 1] ?? 11;
      doc.moveDown(0.5).fontSize(size);
      renderInline(doc, node.children, 'bold');
      doc.moveDown(0.3);
      return;
    }
    case 'paragraph':
      doc.fontSize(11);
      renderInline(doc, node.children, 'body', { indent: depth * 16 });
      doc.moveDown(0.5);
      return;
    case 'list':
      node.children.forEach((item, i) => {
        const marker = node.ordered ? `${(node.start ?? 1) + i}.` : '•';
        item.children.forEach((child, j) => {
          if (j === 0 && child.type === 'paragraph') {
            doc.fontSize(11);
            renderInline(doc, [{ type: 'text', value: `${marker} ` }, ...child.children], 'body', {
              indent: depth * 16 + 8,
            });
            doc.moveDown(0.2);
          } else renderBlock(doc, child, depth + 1);
        });
      });
      doc.moveDown(0.3);
      return;
    case 'blockquote':
      node.children.forEach((child) => renderBlock(doc, child, depth + 1));
      return;
    case 'code':
      doc
        .font('body')
        .fontSize(10)
        .text(node.value, { indent: depth * 16 + 8 });
      doc.moveDown(0.5);
      return;
    case 'thematicBreak': {
      const y = doc.y + 4;
      doc
        .moveTo(doc.page.margins.left, y)
        .lineTo(doc.page.width - doc.page.margins.right, y)
        .strokeColor(GREY)
        .stroke();
      doc.moveDown(1);
      return;
    }
    case 'html':
      // Raw HTML is shown as the text it is, never interpreted.
      doc.font('body').fontSize(11).text(breakable(node.value));
      return;
    default:
      if ('children' in node) (node.children as RootContent[]).forEach((child) => renderBlock(doc, child, depth));
  }
}

/** Inline runs in one flow of text: each run in its font, the last one ends the line. */
function renderInline(
  doc: PDFKit.PDFDocument,
  nodes: PhrasingContent[],
  base: FontName,
  options: { indent?: number } = {},
): void {
  const runs: { text: string; font: FontName; link?: string }[] = [];
  const walk = (list: PhrasingContent[], font: FontName, link?: string): void => {
    for (const node of list) {
      switch (node.type) {
        case 'text':
        case 'inlineCode':
        case 'html':
          runs.push({ text: node.value, font, ...(link ? { link } : {}) });
          break;
        case 'break':
          runs.push({ text: '\n', font });
          break;
        case 'strong':
          walk(node.children, font === 'italic' ? 'boldItalic' : 'bold', link);
          break;
        case 'emphasis':
          walk(node.children, font === 'bold' ? 'boldItalic' : 'italic', link);
          break;
        case 'link':
          walk(node.children, font, node.url);
          runs.push({ text: ` (${node.url})`, font: 'body' });
          break;
        default:
          if ('children' in node) walk(node.children, font, link);
          else if ('alt' in node && node.alt) runs.push({ text: node.alt, font });
      }
    }
  };
  walk(nodes, base);
  if (runs.length === 0) return;
  runs.forEach((run, i) => {
    doc.font(run.font).text(breakable(run.text), {
      continued: i < runs.length - 1,
      ...(options.indent ? { indent: options.indent } : {}),
    });
  });
}

/** A node's words without their marks, for what is nested too deep to lay out. */
function plainText(node: RootContent | PhrasingContent): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as (RootContent | PhrasingContent)[]).map(plainText).join(' ');
  return '';
}
