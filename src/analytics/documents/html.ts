import { escapeHtml } from '../../lib/html';
import type { Cell, Column, ReportDocument } from './report-document';
import { formatCell, type NumberStyle } from './value-format';

const cell = (column: Column, v: Cell, style: NumberStyle) => formatCell(column.kind, v, style);

const MAX_INLINE_ROWS = 31;

/** One KPI card: an inline block, so the cards sit four abreast on a desktop and wrap on a phone. */
function kpiCard(k: ReportDocument['kpis'][number]): string {
  const change = k.change
    ? `<div style="font-size:12px;color:${k.change.startsWith('-') ? '#b91c1c' : '#15803d'}">${escapeHtml(k.change)} vs previous</div>`
    : k.note
      ? `<div style="font-size:12px;color:#6b7280">${escapeHtml(k.note)}</div>`
      : '';
  return (
    '<div style="display:inline-block;vertical-align:top;box-sizing:border-box;width:160px;max-width:100%;margin:0 8px 8px 0;padding:8px 12px;border:1px solid #e3e6ea;border-radius:6px">' +
    `<div style="color:#6b7280;font-size:12px">${escapeHtml(k.label)}</div>` +
    `<div style="font-size:18px;font-weight:bold;white-space:nowrap">${escapeHtml(k.value)}</div>${change}</div>`
  );
}

/**
 * The main table, in a box that scrolls sideways on its own when a phone is narrower than the table (the
 * page itself never does).
 */
function mainTable(doc: ReportDocument): string {
  const table = doc.tables[0];
  if (!table) return '';
  const align = (c: Column) => (c.kind === 'text' ? 'left' : 'right');
  const header = table.columns
    .map(
      (c) =>
        `<th style="text-align:${align(c)};padding:4px 8px;background:#f1f3f6;font-weight:600">${escapeHtml(c.label)}</th>`,
    )
    .join('');
  const rows = table.rows
    .slice(0, MAX_INLINE_ROWS)
    .map(
      (row) =>
        `<tr>${table.columns
          .map(
            (c) =>
              `<td style="text-align:${align(c)};padding:3px 8px;border-bottom:1px solid #eef0f3;white-space:nowrap">${escapeHtml(cell(c, row[c.key] ?? null, doc))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  const more =
    table.rows.length > MAX_INLINE_ROWS
      ? `<p style="color:#6b7280">${table.rows.length - MAX_INLINE_ROWS} more rows in the attachments.</p>`
      : '';
  return (
    `<h3 style="margin:24px 0 8px;font-size:16px">${escapeHtml(table.title)}</h3>` +
    '<div style="width:100%;overflow-x:auto;-webkit-overflow-scrolling:touch">' +
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;min-width:100%"><tr>${header}</tr>${rows}</table>` +
    `</div>${more}`
  );
}

/**
 * The scheduled e-mail's HTML body: the KPIs and the main table inline, everything else attached. A
 * responsive layout with inline styles only (mail clients drop style sheets): one column up to 720 px
 * wide, KPI cards that wrap, and a table that scrolls inside its box on a phone (checked at 390 and
 * 1,200 px in Chromium by the browser test).
 */
export function documentToHtml(
  doc: ReportDocument,
  options: { unsubscribeUrl: string; attachments: string[] },
): string {
  const muted = 'color:#6b7280;font-size:12px';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(doc.title)}</title></head>
<body style="margin:0;padding:0;background:#f6f7f9">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f7f9;table-layout:fixed"><tr><td align="center" style="padding:16px 8px">
<div style="max-width:720px;margin:0 auto;text-align:left;background:#ffffff;border:1px solid #e3e6ea;border-radius:8px;padding:20px 16px;box-sizing:border-box;font-family:Helvetica,Arial,sans-serif;color:#21262d;overflow-wrap:break-word;word-wrap:break-word">
<h1 style="font-size:22px;line-height:1.25;margin:0">${escapeHtml(doc.title)}</h1>
<p style="color:#6b7280;margin:4px 0 16px">${escapeHtml(doc.subtitle)}</p>
<div>${doc.kpis.map(kpiCard).join('')}</div>
${mainTable(doc)}
${doc.notes.map((n) => `<p style="${muted}">${escapeHtml(n)}</p>`).join('')}
<p style="${muted};margin-top:24px">Attached: ${options.attachments.map(escapeHtml).join(', ')}.</p>
<p style="${muted}">You receive this because a manager subscribed you to Fieldline reports.
<a href="${escapeHtml(options.unsubscribeUrl)}" style="color:#1d4ed8">Unsubscribe</a></p>
</div>
</td></tr></table>
</body></html>`;
}

export function documentToText(doc: ReportDocument, unsubscribeUrl: string): string {
  return [
    doc.title,
    doc.subtitle,
    '',
    ...doc.kpis.map((k) => `${k.label}: ${k.value}${k.change ? ` (${k.change} vs previous)` : ''}`),
    '',
    `Unsubscribe: ${unsubscribeUrl}`,
  ].join('\n');
}
