/**
 * Number formatting shared by the PDF, CSV and e-mail exports, in the tenant's currency and locale
 * (`de-DE` writes 1.234,50 €, `en-US` $1,234.50).
 */

/** How a document writes numbers: the tenant's currency and BCP 47 locale. */
export interface NumberStyle {
  currency: string;
  locale: string;
}

const formats = new Map<string, Intl.NumberFormat>();

/** Intl.NumberFormat is costly to build: one per locale and options, kept for the isolate. */
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, options);
    } catch {
      format = new Intl.NumberFormat('en-US', options);
    }
    formats.set(key, format);
  }
  return format;
}

const fractionDigits = new Map<string, number>();

/** Minor units per major unit of a currency (2 for EUR, 0 for JPY), from Intl. */
export function currencyDigits(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigits.set(currency, digits);
  }
  return digits;
}

/** Minor units as a plain decimal string in major units ("1234.50"), exact (no float rounding). */
export function minorToDecimal(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(Math.round(minor))).padStart(digits + 1, '0');
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

export function formatMoney(minor: number | null, style: NumberStyle): string {
  if (minor === null) return '–';
  const digits = currencyDigits(style.currency);
  try {
    return numberFormat(style.locale, {
      style: 'currency',
      currency: style.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(minor / 10 ** digits);
  } catch {
    return `${minorToDecimal(minor, style.currency)} ${style.currency}`;
  }
}

/** Short money for chart axes: €12.3k, €1.2M (12.300 € … in de-DE). */
export function formatMoneyCompact(minor: number, style: NumberStyle): string {
  const major = minor / 10 ** currencyDigits(style.currency);
  try {
    return numberFormat(style.locale, {
      style: 'currency',
      currency: style.currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(major);
  } catch {
    return `${Math.round(major)} ${style.currency}`;
  }
}

export const formatInt = (n: number | null, style: NumberStyle): string =>
  n === null ? '–' : numberFormat(style.locale, {}).format(n);

const oneDecimal = (n: number, style: NumberStyle) =>
  numberFormat(style.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);

export const formatPercent = (n: number | null, style: NumberStyle): string =>
  n === null ? '–' : `${oneDecimal(n, style)} %`;

export const formatChange = (
  n: number | null,
  style: NumberStyle,
  unit: 'percent' | 'points' = 'percent',
): string | null =>
  n === null ? null : `${n > 0 ? '+' : ''}${oneDecimal(n, style)}${unit === 'points' ? ' pts' : ' %'}`;

export const formatDecimal = (n: number | null, style: NumberStyle): string =>
  n === null ? '–' : numberFormat(style.locale, { maximumFractionDigits: 2 }).format(n);

/** A table cell as people read it (PDF, e-mail): money with its symbol, thousands separators, a dash for none. */
export function formatCell(
  kind: 'text' | 'money' | 'int' | 'percent' | 'decimal',
  v: unknown,
  style: NumberStyle,
): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (typeof v !== 'number') return String(v);
  switch (kind) {
    case 'money':
      return formatMoney(v, style);
    case 'int':
      return formatInt(v, style);
    case 'percent':
      return formatPercent(v, style);
    case 'decimal':
      return formatDecimal(v, style);
    default:
      return String(v);
  }
}
