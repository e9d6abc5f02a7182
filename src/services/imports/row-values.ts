import { currencyDigits } from '../../analytics/documents/value-format';
import { CreateCustomerBody } from '../../contracts/customers.schemas';
import { CreateProductBody } from '../../contracts/products.schemas';
import type { ImportKind, ImportRowError } from '../../db/tables';
import type { CustomerInput } from '../customers.service';
import type { ProductInput } from '../products.service';

/**
 * One CSV row → the input the customer or product services take, or the reasons it cannot be. Cells are
 * text; numbers accept a decimal comma (a `;` file from a German spreadsheet writes `52,52`); an empty
 * cell sets the field empty. The result is validated by the same schemas as the REST bodies.
 */

/** What the row's references resolve against: the organisation's territories and salesmen. */
export interface ImportLookups {
  currency: string;
  territory: (value: string) => string | undefined;
  salesman: (value: string) => string | undefined;
}

export type RowValues =
  | { kind: 'customers'; key: string | null; input: CustomerInput }
  | { kind: 'products'; key: string; input: ProductInput };

const DECIMAL = /^[+-]?\d+(?:[.,]\d+)?$/;

const number = (cell: string): number | null => (DECIMAL.test(cell) ? Number(cell.replace(',', '.')) : null);

const TRUE = new Set(['true', 'yes', 'y', '1', 'active']);
const FALSE = new Set(['false', 'no', 'n', '0', 'inactive']);

/** A price in major units ("12.50", "12,5") → minor units of `currency`, exactly (no float rounding). */
export function priceToMinor(cell: string, currency: string): number | null {
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(cell);
  if (!m) return null;
  const digits = currencyDigits(currency);
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(`${m[1]}${fraction.padEnd(digits, '0')}`);
}

export function rowValues(
  kind: ImportKind,
  row: number,
  cells: Record<string, string>,
  lookups: ImportLookups,
): { values: RowValues } | { errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  const fail = (column: string, code: string, message: string) => errors.push({ row, column, code, message });
  const text = (field: string) => {
    const cell = cells[field];
    return cell === undefined ? undefined : cell === '' ? null : cell;
  };

  if (kind === 'customers') {
    const draft: Record<string, unknown> = {};
    for (const f of ['name', 'email', 'phone', 'company', 'address', 'city', 'notes', 'externalId'] as const) {
      const value = text(f);
      if (value !== undefined) draft[f] = value;
    }
    for (const f of ['lat', 'lng'] as const) {
      const cell = cells[f];
      if (cell === undefined) continue;
      if (cell === '') draft[f] = null;
      else {
        const n = number(cell);
        if (n === null) fail(f, 'not_a_number', `${f} must be a number, not "${cell}"`);
        else draft[f] = n;
      }
    }
    const territory = text('territory');
    if (territory) {
      const id = lookups.territory(territory);
      if (id) draft.territoryId = id;
      else fail('territory', 'unknown_territory', `No territory with the id or name "${territory}"`);
    } else if (territory === null) draft.territoryId = null;
    const salesman = text('salesman');
    if (salesman) {
      const id = lookups.salesman(salesman);
      if (id) draft.salesmanId = id;
      else fail('salesman', 'unknown_salesman', `No salesman with the id, e-mail or employee code "${salesman}"`);
    } else if (salesman === null) draft.salesmanId = null;
    if (errors.length) return { errors };
    const parsed = CreateCustomerBody.safeParse(draft);
    if (!parsed.success) return { errors: issuesOf(row, parsed.error.issues) };
    return { values: { kind, key: parsed.data.externalId ?? null, input: parsed.data } };
  }

  const draft: Record<string, unknown> = {};
  for (const f of ['sku', 'name', 'description', 'category'] as const) {
    const value = text(f);
    if (value !== undefined) draft[f] = value;
  }
  if (cells.price !== undefined) {
    const minor = priceToMinor(cells.price, lookups.currency);
    if (minor === null) {
      const digits = currencyDigits(lookups.currency);
      fail('price', 'invalid_price', `price must be an amount in ${lookups.currency} with at most ${digits} decimals`);
    } else draft.priceMinor = minor;
  }
  if (cells.priceMinor !== undefined) {
    const n = number(cells.priceMinor);
    if (n === null || !Number.isInteger(n)) fail('priceMinor', 'not_an_integer', 'priceMinor must be a whole number');
    else draft.priceMinor = n;
  }
  if (cells.active !== undefined && cells.active !== '') {
    const v = cells.active.toLowerCase();
    if (TRUE.has(v)) draft.active = true;
    else if (FALSE.has(v)) draft.active = false;
    else fail('active', 'not_a_boolean', `active must be true or false, not "${cells.active}"`);
  }
  if (errors.length) return { errors };
  const parsed = CreateProductBody.safeParse(draft);
  if (!parsed.success) return { errors: issuesOf(row, parsed.error.issues) };
  return { values: { kind, key: parsed.data.sku, input: parsed.data } };
}

function issuesOf(row: number, issues: readonly { path: PropertyKey[]; message: string; code: string }[]) {
  return issues.map((issue) => {
    const field = issue.path.length ? String(issue.path[0]) : null;
    const column = field === 'territoryId' ? 'territory' : field === 'salesmanId' ? 'salesman' : field;
    const missing = issue.code === 'invalid_type' && /received (undefined|null)|required/i.test(issue.message);
    return {
      row,
      column,
      code: missing ? 'required' : issue.code,
      message: missing ? `${column} is required` : `${column ? `${column}: ` : ''}${issue.message}`,
    };
  });
}
