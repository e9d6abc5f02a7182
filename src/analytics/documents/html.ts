import type { Cell, Column, ReportDocument } from './report-document';
import { formatCell, type NumberStyle } from './value-format';

/** The scheduled e-mail's HTML body: KPIs and the main table inline, everything else attached. */
const escapeHtml = (s: string) =>
  s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const cell = (column: Column, v: Cell, style: NumberStyle) => formatCell(column.kind, v, style);

const MAX_INLINE_ROWS = 31;

export function documentToHtml(
  doc: ReportDocument,
  options: { unsubscribeUrl: string; attachments: string[] },
): string {
  const kpis = doc.kpis
    .map(
      (k) =>
        `<td style="padding:8px 12px;border:1px solid #e3e6ea;vertical-align:top"><div style="color:#6b7280;font-size:12px">${escapeHtml(k.label)}</div>` +
        `<div style="font-size:18px;font-weight:bold">${escapeHtml(k.value)}</div>` +
        (k.change
          ? `<div style="font-size:12px;color:${k.change.startsWith('-') ? '#b91c1c' : '#15803d'}">${escapeHtml(k.change)} vs previous</div>`
          : k.note
            ? `<div style="font-size:12px;color:#6b7280">${escapeHtml(k.note)}</div>`
            : '') +
        '</td>',
    )
    .reduce<string[]>((rows, td, i) => {
      if (i % 4 === 0) rows.push('');
      rows[rows.length - 1] += td;
      return rows;
    }, [])
    .map((r) => `<tr>${r}</tr>`)
    .join('');
  const table = doc.tables[0];
  const tableHtml = table
    ? `<h3 style="margin:24px 0 8px">${escapeHtml(table.title)}</h3><table style="border-collapse:collapse;font-size:13px">` +
      `<tr>${table.columns.map((c) => `<th style="text-align:${c.kind === 'text' ? 'left' : 'right'};padding:4px 8px;background:#f1f3f6">${escapeHtml(c.label)}</th>`).join('')}</tr>` +
      table.rows
        .slice(0, MAX_INLINE_ROWS)
        .map(
          (row) =>
            `<tr>${table.columns
              .map(
                (c) =>
                  `<td style="text-align:${c.kind === 'text' ? 'left' : 'right'};padding:3px 8px;border-bottom:1px solid #eef0f3">${escapeHtml(cell(c, row[c.key] ?? null, doc))}</td>`,
              )
              .join('')}</tr>`,
        )
        .join('') +
      '</table>' +
      (table.rows.length > MAX_INLINE_ROWS
        ? `<p style="color:#6b7280">${table.rows.length - MAX_INLINE_ROWS} more rows in the attachments.</p>`
        : '')
    : '';
  return `<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#21262d;max-width:720px">
<h1 style="font-size:22px;margin:0">${escapeHtml(doc.title)}</h1>
<p style="color:#6b7280;margin:4px 0 16px">${escapeHtml(doc.subtitle)}</p>
<table style="border-collapse:collapse">${kpis}</table>
${tableHtml}
${doc.notes.map((n) => `<p style="color:#6b7280;font-size:12px">${escapeHtml(n)}</p>`).join('')}
<p style="color:#6b7280;font-size:12px;margin-top:24px">Attached: ${options.attachments.map(escape).join(', ')}.</p>
<p style="color:#6b7280;font-size:12px">You receive this because a manager subscribed you to Fieldline reports.
<a href="${escapeHtml(options.unsubscribeUrl)}">Unsubscribe</a></p>
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
