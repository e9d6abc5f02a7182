import Papa from 'papaparse';
import type { ImportKind } from '../../db/tables';
import { AppError, ErrorCode } from '../../lib/errors';

/**
 * Reading an import's CSV: the delimiter guessed (`,`, `;` as spreadsheets write it in much of Europe, or
 * a tab), a byte-order mark dropped, blank lines skipped, and the header mapped to the fields of the
 * kind. Header names are matched loosely ("External ID", "external_id" and "externalId" are one column);
 * a column nobody knows is refused rather than silently dropped, since it is usually a typo.
 */

/** The columns of each kind: field name → accepted header spellings (normalised, see `normalise`). */
export const IMPORT_COLUMNS: Record<ImportKind, Record<string, readonly string[]>> = {
  customers: {
    externalId: ['externalid', 'external', 'customerid', 'customernumber', 'customerno'],
    name: ['name', 'customername'],
    email: ['email', 'emailaddress'],
    phone: ['phone', 'telephone', 'phonenumber'],
    company: ['company', 'companyname'],
    address: ['address', 'street', 'streetaddress'],
    city: ['city', 'town'],
    lat: ['lat', 'latitude'],
    lng: ['lng', 'lon', 'long', 'longitude'],
    territory: ['territory', 'territoryid', 'territoryname'],
    salesman: ['salesman', 'salesmanid', 'salesmanemail', 'salesmancode', 'employeecode'],
    notes: ['notes', 'note', 'comment', 'comments'],
  },
  products: {
    sku: ['sku', 'productcode', 'itemcode'],
    name: ['name', 'productname'],
    description: ['description'],
    category: ['category'],
    price: ['price', 'unitprice'],
    priceMinor: ['priceminor'],
    active: ['active', 'enabled'],
  },
};

/** Columns a file must have. */
export const REQUIRED_COLUMNS: Record<ImportKind, readonly string[]> = {
  customers: ['name'],
  products: ['sku', 'name'],
};

/** The key a row is matched on: an existing record with it is updated, otherwise one is created. */
export const UPSERT_KEY: Record<ImportKind, string> = { customers: 'externalId', products: 'sku' };

export interface CsvFile {
  /** The fields of the file's columns, in file order. */
  fields: string[];
  /** Data rows: field → cell (trimmed), with the row's number in the file (the header is row 1). */
  rows: { row: number; cells: Record<string, string> }[];
  delimiter: string;
}

const normalise = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

const badFile = (message: string, details?: Record<string, unknown>) =>
  new AppError(ErrorCode.VALIDATION_FAILED, message, details);

/** Parses an import file; a file that cannot be imported at all (no header, unknown columns) is a 400. */
export function readCsv(kind: ImportKind, text: string, maxRows: number): CsvFile {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    skipEmptyLines: 'greedy',
    delimitersToGuess: [',', ';', '\t'],
  });
  const [header, ...data] = parsed.data;
  if (!header || header.every((h) => h.trim() === '')) throw badFile('The file is empty: it needs a header row');
  const spellings = IMPORT_COLUMNS[kind];
  const fields: string[] = [];
  const unknown: string[] = [];
  for (const raw of header) {
    const key = normalise(raw);
    const field = Object.keys(spellings).find((f) => spellings[f]?.includes(key));
    if (field) fields.push(field);
    else unknown.push(raw.trim() || '(empty)');
  }
  if (unknown.length) {
    throw badFile(`Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      expected: Object.keys(spellings),
    });
  }
  const repeated = fields.filter((f, i) => fields.indexOf(f) !== i);
  if (repeated.length) throw badFile(`Column given twice: ${[...new Set(repeated)].join(', ')}`);
  const missing = REQUIRED_COLUMNS[kind].filter((f) => !fields.includes(f));
  if (missing.length) throw badFile(`Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  if (kind === 'products' && fields.includes('price') && fields.includes('priceMinor')) {
    throw badFile('Give either price or priceMinor, not both');
  }
  if (kind === 'products' && !fields.includes('price') && !fields.includes('priceMinor')) {
    throw badFile('Missing column: price');
  }
  if (data.length === 0) throw badFile('The file has a header but no rows');
  if (data.length > maxRows) throw badFile(`The file has ${data.length} rows; at most ${maxRows} per import`);
  const rows = data.map((cells, k) => ({
    row: k + 2,
    cells: Object.fromEntries(fields.map((f, i) => [f, (cells[i] ?? '').trim()])),
  }));
  return { fields, rows, delimiter: parsed.meta.delimiter };
}

/** The template a user fills in: the header of the kind and one example row. */
export function importTemplate(kind: ImportKind): string {
  const example: Record<ImportKind, string[][]> = {
    customers: [
      [
        'externalId',
        'name',
        'email',
        'phone',
        'company',
        'address',
        'city',
        'lat',
        'lng',
        'territory',
        'salesman',
        'notes',
      ],
      [
        'C-1001',
        'Corner Shop',
        'owner@corner.example',
        '+49 30 1234567',
        'Corner Shop GmbH',
        'Hauptstraße 1',
        'Berlin',
        '52.5200',
        '13.4050',
        'Berlin Mitte',
        'anna@yourcompany.example',
        'Delivery before 10:00',
      ],
    ],
    products: [
      ['sku', 'name', 'description', 'category', 'price', 'active'],
      ['SKU-001', 'Sparkling water 0.5 l', '24 bottles per crate', 'Drinks', '12.50', 'true'],
    ],
  };
  return Papa.unparse(example[kind], { newline: '\r\n' });
}
