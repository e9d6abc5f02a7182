import fontkit from '@cantoo/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from '@cantoo/pdf-lib';
import { type CjkFontLoader, hasCjk } from './cjk-font';
import { NOTO_SANS_BOLD, NOTO_SANS_REGULAR } from './fonts.generated';
import { encodable } from './pdf-text';
import type { Cell, Chart, Column, MapFigure, ReportDocument, Table } from './report-document';
import { formatCell, formatInt, formatMoneyCompact, type NumberStyle } from './value-format';

/**
 * A one- or two-page A4 PDF of a report: title, KPI boxes, a bar or line chart drawn with pdf-lib
 * primitives, then the tables (cut off with a note when they would need a third page; the CSV has all).
 * Text is set in Noto Sans (shipped with the project, subset to Latin, Greek and Cyrillic), so names such as
 * Łódź, Москва or Αθήνα print as they are; Chinese, Japanese and Korean letters in Noto Sans CJK, loaded
 * only for a document that has some (cjk-font.ts). Each string is drawn in runs, each run in the font that
 * has its letters; both fonts are embedded as subsets of the glyphs used. A letter neither font has
 * becomes `?` (or loses an accent the font lacks) through `encodable`.
 */
const PAGE: [number, number] = [595.28, 841.89];
const MARGIN = 40;
const MAX_PAGES = 2;
const INK = rgb(0.13, 0.15, 0.2);
const MUTED = rgb(0.42, 0.45, 0.5);
const ACCENT = rgb(0.16, 0.42, 0.78);
const BAND = rgb(0.8, 0.87, 0.97);
const RULE = rgb(0.85, 0.87, 0.9);
const HEADER_FILL = rgb(0.94, 0.95, 0.97);

interface Ctx {
  pdf: PDFDocument;
  page: PDFPage;
  y: number;
  regular: PDFFont;
  bold: PDFFont;
  charset: Set<number>;
  /** The CJK font, when the document has CJK letters and the font could be loaded. */
  cjk: { font: PDFFont; charset: Set<number> } | null;
  /** How numbers and money are written (the tenant's currency and locale). */
  style: NumberStyle;
  truncated: boolean;
}

const width = PAGE[0] - 2 * MARGIN;

/** A string as runs, each in the font that has its letters (Noto Sans, or Noto Sans CJK for CJK letters). */
function runs(ctx: Ctx, s: string, bold = false): { text: string; font: PDFFont }[] {
  const main = bold ? ctx.bold : ctx.regular;
  const out: { text: string; font: PDFFont }[] = [];
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    const cjk = ctx.cjk && !ctx.charset.has(code) && ctx.cjk.charset.has(code) ? ctx.cjk.font : null;
    const font = cjk ?? main;
    const piece = cjk ? ch : encodable(ch, ctx.charset);
    const last = out.at(-1);
    if (last && last.font === font) last.text += piece;
    else out.push({ text: piece, font });
  }
  return out;
}

/** The width of a string as `text` draws it. */
function widthOf(ctx: Ctx, s: string, size: number, bold = false): number {
  return runs(ctx, s, bold).reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, size), 0);
}

function text(
  ctx: Ctx,
  s: string,
  x: number,
  y: number,
  size: number,
  opts: { bold?: boolean; color?: ReturnType<typeof rgb>; right?: number } = {},
) {
  const parts = runs(ctx, s, opts.bold);
  let at = opts.right !== undefined ? opts.right - widthOf(ctx, s, size, opts.bold) : x;
  for (const part of parts) {
    ctx.page.drawText(part.text, { x: at, y, size, font: part.font, color: opts.color ?? INK });
    at += part.font.widthOfTextAtSize(part.text, size);
  }
}

/** The string cut to `max` points wide, with an ellipsis when cut. */
function clip(ctx: Ctx, s: string, size: number, max: number, bold = false): string {
  if (widthOf(ctx, s, size, bold) <= max) return s;
  let letters = [...s];
  while (letters.length > 1 && widthOf(ctx, `${letters.join('')}…`, size, bold) > max) letters = letters.slice(0, -1);
  return `${letters.join('')}…`;
}

function newPage(ctx: Ctx): boolean {
  if (ctx.pdf.getPageCount() >= MAX_PAGES) return false;
  ctx.page = ctx.pdf.addPage(PAGE);
  ctx.y = PAGE[1] - MARGIN;
  return true;
}

function header(ctx: Ctx, doc: ReportDocument) {
  text(ctx, doc.title, MARGIN, ctx.y - 18, 18, { bold: true });
  text(ctx, doc.subtitle, MARGIN, ctx.y - 34, 10, { color: MUTED });
  ctx.y -= 50;
}

function kpiBoxes(ctx: Ctx, doc: ReportDocument) {
  const perRow = 4;
  const gap = 8;
  const boxW = (width - gap * (perRow - 1)) / perRow;
  const boxH = 46;
  doc.kpis.forEach((k, i) => {
    const col = i % perRow;
    if (col === 0 && i > 0) ctx.y -= boxH + gap;
    const x = MARGIN + col * (boxW + gap);
    const top = ctx.y;
    ctx.page.drawRectangle({ x, y: top - boxH, width: boxW, height: boxH, borderColor: RULE, borderWidth: 0.8 });
    text(ctx, clip(ctx, k.label, 8, boxW - 12), x + 6, top - 12, 8, { color: MUTED });
    text(ctx, clip(ctx, k.value, 13, boxW - 12, true), x + 6, top - 28, 13, { bold: true });
    if (k.change) {
      const color = k.change.startsWith('-') ? rgb(0.75, 0.2, 0.2) : rgb(0.15, 0.55, 0.3);
      text(ctx, `${k.change} vs previous`, x + 6, top - 40, 7.5, { color });
    } else if (k.note) {
      text(ctx, clip(ctx, k.note, 7.5, boxW - 12), x + 6, top - 40, 7.5, { color: MUTED });
    }
  });
  if (doc.kpis.length > 0) ctx.y -= boxH + 16;
}

const SHADE = { high: rgb(0.1, 0.33, 0.66), medium: rgb(0.42, 0.6, 0.86), low: rgb(0.78, 0.86, 0.96) };
const GAP = rgb(0.85, 0.2, 0.15);

/**
 * A map in a box the width of the page: areas shaded by class, outlines, points on top. Longitudes are
 * scaled by the cosine of the middle latitude (an equirectangular view, true to shape at a city's
 * scale), fitted into the box and centred.
 */
function map(ctx: Ctx, m: MapFigure) {
  const boxHeight = 230;
  text(ctx, m.title, MARGIN, ctx.y - 10, 11, { bold: true });
  const top = ctx.y - 20;
  const bottom = ctx.y - boxHeight + 14;
  const all = [...m.areas.flatMap((a) => a.ring), ...m.outlines.flatMap((o) => o.ring), ...m.points];
  const lngs = all.map((p) => p[0] as number);
  const lats = all.map((p) => p[1] as number);
  const [west, east, south, north] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  const kx = Math.cos((((south + north) / 2) * Math.PI) / 180);
  const spanX = Math.max((east - west) * kx, 1e-6);
  const spanY = Math.max(north - south, 1e-6);
  const scale = Math.min(width / spanX, (top - bottom) / spanY);
  const offsetX = MARGIN + (width - spanX * scale) / 2;
  const offsetY = bottom + (top - bottom - spanY * scale) / 2;
  const at = (p: number[]) => ({
    x: offsetX + ((p[0] as number) - west) * kx * scale,
    y: offsetY + ((p[1] as number) - south) * scale,
  });
  // drawSvgPath measures y downwards from the point it is given: the page's top-left corner here.
  const path = (ring: number[][]) =>
    `${ring
      .map((p, i) => {
        const { x, y } = at(p);
        return `${i === 0 ? 'M' : 'L'}${x.toFixed(2)} ${(PAGE[1] - y).toFixed(2)}`;
      })
      .join(' ')} Z`;
  ctx.page.drawRectangle({ x: MARGIN, y: bottom, width, height: top - bottom, borderColor: RULE, borderWidth: 0.6 });
  for (const area of m.areas) {
    if (area.ring.length < 3) continue;
    ctx.page.drawSvgPath(path(area.ring), { x: 0, y: PAGE[1], color: SHADE[area.band], borderWidth: 0 });
  }
  // Small and see-through: hundreds of them must not hide the shades underneath.
  for (const p of m.points) ctx.page.drawCircle({ ...at(p), size: 0.8, color: GAP, opacity: 0.6 });
  for (const { ring, label } of m.outlines) {
    if (ring.length < 3) continue;
    ctx.page.drawSvgPath(path(ring), { x: 0, y: PAGE[1], borderColor: INK, borderWidth: 0.7, borderOpacity: 0.7 });
    if (!label) continue;
    // The name beside the outline's right edge, at its middle height.
    const points = ring.map(at);
    const right = Math.max(...points.map((q) => q.x));
    const middle = (Math.max(...points.map((q) => q.y)) + Math.min(...points.map((q) => q.y))) / 2;
    const name = clip(ctx, label, 7, MARGIN + width - right - 6);
    if (name) text(ctx, name, right + 4, middle - 2.5, 7, { color: INK });
  }
  // The legend, under the box.
  let x = MARGIN;
  const legendY = bottom - 11;
  for (const [label, color] of [
    [m.legend.high, SHADE.high],
    [m.legend.medium, SHADE.medium],
    [m.legend.low, SHADE.low],
  ] as const) {
    ctx.page.drawRectangle({ x, y: legendY - 1, width: 8, height: 7, color });
    text(ctx, label, x + 11, legendY, 7.5, { color: MUTED });
    x += 14 + widthOf(ctx, label, 7.5) + 10;
  }
  ctx.page.drawCircle({ x: x + 4, y: legendY + 2.5, size: 1.6, color: GAP, opacity: 0.6 });
  text(ctx, m.legend.points, x + 10, legendY, 7.5, { color: MUTED });
  ctx.y -= boxHeight + 14;
}

function chart(ctx: Ctx, c: Chart) {
  const height = 190;
  const plotLeft = MARGIN + 52;
  const plotRight = MARGIN + width;
  const plotTop = ctx.y - 20;
  const plotBottom = ctx.y - height + 18;
  text(ctx, c.title, MARGIN, ctx.y - 10, 11, { bold: true });
  const all = [...c.series.flatMap((s) => s.values), ...(c.band?.upper ?? [])];
  const max = Math.max(0, ...all);
  const niceMax = niceCeil(Math.max(1, max));
  const yOf = (v: number) => plotBottom + ((plotTop - plotBottom) * Math.max(0, v)) / niceMax;
  if (max === 0) {
    const note = c.unit === 'money' ? 'No sales in this period' : 'Nothing to show for this period';
    const w = widthOf(ctx, note, 10);
    text(ctx, note, (plotLeft + plotRight) / 2 - w / 2, (plotTop + plotBottom) / 2, 10, { color: MUTED });
  }
  for (let i = 0; i <= (max === 0 ? 0 : 4); i++) {
    const v = (niceMax * i) / 4;
    const y = yOf(v);
    ctx.page.drawLine({ start: { x: plotLeft, y }, end: { x: plotRight, y }, thickness: 0.5, color: RULE });
    const label = c.unit === 'money' ? formatMoneyCompact(v, ctx.style) : formatInt(Math.round(v), ctx.style);
    text(ctx, label, 0, y - 3, 7, { color: MUTED, right: plotLeft - 4 });
  }
  const n = Math.max(1, c.labels.length);
  const step = (plotRight - plotLeft) / n;
  const xOf = (i: number) => plotLeft + step * (i + 0.5);
  if (c.band) {
    c.band.upper.forEach((u, i) => {
      const lo = yOf(c.band?.lower[i] ?? 0);
      ctx.page.drawRectangle({
        x: xOf(i) - step / 2,
        y: lo,
        width: step,
        height: Math.max(0, yOf(u) - lo),
        color: BAND,
      });
    });
  }
  const colors = [ACCENT, rgb(0.9, 0.5, 0.1), rgb(0.3, 0.6, 0.3)];
  c.series.forEach((s, si) => {
    const color = colors[si % colors.length] ?? ACCENT;
    if (c.kind === 'bar') {
      const bw = Math.max(1, (step * 0.72) / c.series.length);
      s.values.forEach((v, i) => {
        const x = xOf(i) - (bw * c.series.length) / 2 + si * bw;
        ctx.page.drawRectangle({ x, y: plotBottom, width: bw, height: Math.max(0, yOf(v) - plotBottom), color });
      });
    } else {
      for (let i = 1; i < s.values.length; i++) {
        ctx.page.drawLine({
          start: { x: xOf(i - 1), y: yOf(s.values[i - 1] as number) },
          end: { x: xOf(i), y: yOf(s.values[i] as number) },
          thickness: 1.4,
          color,
        });
      }
    }
  });
  ctx.page.drawLine({
    start: { x: plotLeft, y: plotBottom },
    end: { x: plotRight, y: plotBottom },
    thickness: 0.8,
    color: MUTED,
  });
  const every = Math.ceil(n / 12);
  c.labels.forEach((label, i) => {
    if (i % every !== 0) return;
    const clean = clip(ctx, label, 6.5, step * every - 2);
    const w = widthOf(ctx, clean, 6.5);
    text(ctx, clean, xOf(i) - w / 2, plotBottom - 10, 6.5, { color: MUTED });
  });
  if (c.series.length > 1 || c.band) {
    const legend = [...c.series.map((s) => s.name), ...(c.band ? ['80 % interval'] : [])].join('   ·   ');
    text(ctx, legend, 0, ctx.y - 10, 7.5, { color: MUTED, right: plotRight });
  }
  ctx.y -= height + 8;
}

function niceCeil(v: number): number {
  const pow = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= v) return m * pow;
  return 10 * pow;
}

const cellText = (ctx: Ctx, column: Column, v: Cell): string => formatCell(column.kind, v, ctx.style);

/** Narrowest a text column is squeezed to before the numbers are. */
const MIN_TEXT_WIDTH = 50;

/**
 * Column widths filling the page: spare room is shared in proportion; when the columns are too wide,
 * the text columns give way first (a clipped name still reads, a clipped amount does not), and only when
 * they are at their narrowest does every column shrink.
 */
function columnWidths(columns: readonly Column[], natural: readonly number[]): number[] {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= width) return natural.map((w) => (w * width) / total);
  const isText = columns.map((c) => c.kind === 'text');
  const textTotal = natural.reduce((n, w, i) => (isText[i] ? n + w : n), 0);
  const textRoom = width - (total - textTotal);
  if (textTotal > 0 && textRoom >= MIN_TEXT_WIDTH * isText.filter(Boolean).length) {
    return natural.map((w, i) => (isText[i] ? (w * textRoom) / textTotal : w));
  }
  return natural.map((w) => (w * width) / total);
}

function table(ctx: Ctx, t: Table): void {
  const size = 8;
  const rowH = 13;
  const texts = t.rows.map((row) => t.columns.map((c) => cellText(ctx, c, row[c.key] ?? null)));
  const natural = t.columns.map((c, i) =>
    Math.min(
      c.kind === 'text' ? 220 : 110,
      Math.max(widthOf(ctx, c.label, size, true), ...texts.map((r) => widthOf(ctx, r[i] as string, size))) + 10,
    ),
  );
  const widths = columnWidths(t.columns, natural);
  const drawHeader = () => {
    text(ctx, t.title, MARGIN, ctx.y - 12, 11, { bold: true });
    ctx.y -= 18;
    ctx.page.drawRectangle({ x: MARGIN, y: ctx.y - rowH + 3, width, height: rowH, color: HEADER_FILL });
    drawRow(
      t.columns.map((c) => c.label),
      true,
    );
  };
  const drawRow = (cells: string[], bold: boolean) => {
    let x = MARGIN;
    cells.forEach((s, i) => {
      const w = widths[i] as number;
      const col = t.columns[i] as Column;
      const clean = clip(ctx, s, size, w - 6, bold);
      if (col.kind === 'text') text(ctx, clean, x + 3, ctx.y - 7, size, { bold });
      else text(ctx, clean, 0, ctx.y - 7, size, { bold, right: x + w - 3 });
      x += w;
    });
    ctx.y -= rowH;
  };
  if (ctx.y - 50 < MARGIN && !newPage(ctx)) {
    ctx.truncated = true;
    return;
  }
  drawHeader();
  for (let r = 0; r < texts.length; r++) {
    if (ctx.y - rowH < MARGIN + 14) {
      if (!newPage(ctx)) {
        text(ctx, `… ${texts.length - r} more rows in the CSV export`, MARGIN, ctx.y - 8, 8, { color: MUTED });
        ctx.truncated = true;
        ctx.y -= rowH;
        return;
      }
      drawHeader();
    }
    if (r % 2 === 1)
      ctx.page.drawRectangle({ x: MARGIN, y: ctx.y - rowH + 3, width, height: rowH, color: rgb(0.985, 0.985, 0.99) });
    drawRow(texts[r] as string[], false);
  }
  ctx.y -= 12;
}

/** The fonts' bytes, decoded once per isolate. */
const decoded = new Map<string, Uint8Array>();
const bytesOf = (base64: string) => {
  let bytes = decoded.get(base64);
  if (!bytes) {
    bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    decoded.set(base64, bytes);
  }
  return bytes;
};
const fontBytes = { regular: () => bytesOf(NOTO_SANS_REGULAR), bold: () => bytesOf(NOTO_SANS_BOLD) };

/** Every string a document prints, to tell whether it needs the CJK font. */
function* documentText(doc: ReportDocument): Generator<string> {
  yield doc.title;
  yield doc.subtitle;
  for (const k of doc.kpis) yield `${k.label} ${k.value} ${k.change ?? ''} ${k.note ?? ''}`;
  if (doc.chart) yield* [doc.chart.title, ...doc.chart.labels, ...doc.chart.series.map((s) => s.name)];
  if (doc.map) yield* [doc.map.title, ...doc.map.outlines.map((o) => o.label), ...Object.values(doc.map.legend)];
  for (const t of doc.tables) {
    yield t.title;
    for (const c of t.columns) yield c.label;
    for (const row of t.rows) for (const v of Object.values(row)) if (typeof v === 'string') yield v;
  }
  yield* doc.notes;
}

export interface PdfOptions {
  /** Where the CJK font comes from (cjk-font.ts); without it CJK letters print as `?`. */
  cjkFont?: CjkFontLoader | undefined;
}

export async function documentToPdf(doc: ReportDocument, options: PdfOptions = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(doc.title);
  pdf.setProducer('Fieldline');
  pdf.setCreator('Fieldline analytics');
  pdf.registerFontkit(fontkit);
  const regular = await pdf.embedFont(fontBytes.regular(), { subset: true });
  const bold = await pdf.embedFont(fontBytes.bold(), { subset: true });
  const charset = new Set(regular.getCharacterSet());
  let cjk: Ctx['cjk'] = null;
  if (options.cjkFont && [...documentText(doc)].some(hasCjk)) {
    const bytes = await options.cjkFont();
    if (bytes) {
      const font = await pdf.embedFont(bytes, { subset: true });
      cjk = { font, charset: new Set(font.getCharacterSet()) };
    }
  }
  const ctx: Ctx = {
    pdf,
    page: pdf.addPage(PAGE),
    y: PAGE[1] - MARGIN,
    regular,
    bold,
    charset,
    cjk,
    style: { currency: doc.currency, locale: doc.locale },
    truncated: false,
  };
  header(ctx, doc);
  kpiBoxes(ctx, doc);
  if (doc.chart && doc.chart.labels.length > 0) chart(ctx, doc.chart);
  if (doc.map && (doc.map.areas.length > 0 || doc.map.points.length > 0)) map(ctx, doc.map);
  for (const t of doc.tables) {
    if (ctx.truncated) break;
    table(ctx, t);
  }
  for (const note of doc.notes) {
    if (ctx.y - 12 < MARGIN + 14) break;
    text(ctx, note, MARGIN, ctx.y - 8, 7.5, { color: MUTED });
    ctx.y -= 11;
  }
  const pages = pdf.getPages();
  pages.forEach((p, i) => {
    ctx.page = p;
    text(ctx, `Fieldline · ${doc.subtitle} · page ${i + 1} of ${pages.length}`, MARGIN, MARGIN - 20, 7, {
      color: MUTED,
    });
  });
  return pdf.save();
}
