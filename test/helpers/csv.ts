import Papa from 'papaparse';

/** A CSV body as rows of cells (a leading byte-order mark dropped). */
export const parseCsv = (text: string): string[][] =>
  Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
