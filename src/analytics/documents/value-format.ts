/** Number formatting shared by the PDF, CSV and e-mail exports. */

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

export function formatMoney(minor: number | null, currency: string): string {
  if (minor === null) return '–';
  const digits = currencyDigits(currency);
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(minor / 10 ** digits);
  } catch {
    return `${minorToDecimal(minor, currency)} ${currency}`;
  }
}

/** Short money for chart axes: €12.3k, €1.2M. */
export function formatMoneyCompact(minor: number, currency: string): string {
  const major = minor / 10 ** currencyDigits(currency);
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(major);
  } catch {
    return `${Math.round(major)} ${currency}`;
  }
}

export const formatInt = (n: number | null): string => (n === null ? '–' : new Intl.NumberFormat('en-US').format(n));

export const formatPercent = (n: number | null): string => (n === null ? '–' : `${n.toFixed(1)} %`);

export const formatChange = (n: number | null, unit: 'percent' | 'points' = 'percent'): string | null =>
  n === null ? null : `${n > 0 ? '+' : ''}${n.toFixed(1)}${unit === 'points' ? ' pts' : ' %'}`;

export const formatDecimal = (n: number | null): string =>
  n === null ? '–' : new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(n);

/** A table cell as people read it (PDF, e-mail): money with its symbol, thousands separators, a dash for none. */
export function formatCell(
  kind: 'text' | 'money' | 'int' | 'percent' | 'decimal',
  v: unknown,
  currency: string,
): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (typeof v !== 'number') return String(v);
  switch (kind) {
    case 'money':
      return formatMoney(v, currency);
    case 'int':
      return formatInt(v);
    case 'percent':
      return formatPercent(v);
    case 'decimal':
      return formatDecimal(v);
    default:
      return String(v);
  }
}
