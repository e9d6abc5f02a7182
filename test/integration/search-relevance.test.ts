import { beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '../helpers/catalog-factories';
import { createCustomer, createTenant, type TestTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

/**
 * A labelled query set: what a salesman types on a phone, and the record that must come first.
 * It covers typos, search-as-you-type prefixes, SKU lookups, multi-word queries and field weighting.
 */

const PRODUCTS: [sku: string, name: string, category: string, description: string][] = [
  ['HX-1234', 'Hex Bolt M8 Zinc', 'Fasteners', 'Zinc plated, DIN 933'],
  ['HX-1240', 'Stainless Hex Bolt M10', 'Fasteners', 'A2 stainless steel, DIN 933'],
  ['NT-0008', 'Hex Nut M8', 'Fasteners', 'Fits every M8 bolt'],
  ['WS-0008', 'Spring Washer M8', 'Fasteners', 'Locks the nut'],
  ['AN-0450', 'Wall Anchor Set', 'Fasteners', 'Nylon plugs with screws'],
  ['HY-9000', 'Hydraulic Hand Pump', 'Hydraulics', 'Two-stage, 700 bar'],
  ['HY-9100', 'Hydraulic Cylinder 10 t', 'Hydraulics', 'Single acting, for the hand pump'],
  ['HY-9200', 'Hydraulic Hose 1 m', 'Hydraulics', 'Quick coupler both ends'],
  ['PM-0100', 'Submersible Water Pump', 'Garden', 'For wells and cisterns'],
  ['TW-200', 'Torque Wrench 200 Nm', 'Tools', 'Click type, calibrated'],
  ['WR-0013', 'Combination Wrench 13 mm', 'Tools', 'Chrome vanadium'],
  ['SD-0006', 'Screwdriver Set 6 pcs', 'Tools', 'Slotted and Phillips'],
  ['DR-18V', 'Cordless Drill 18V', 'Power Tools', 'Two batteries, charger, case'],
  ['DR-230', 'Hammer Drill 230 V', 'Power Tools', 'Corded, SDS plus'],
  ['AG-125', 'Angle Grinder 125 mm', 'Power Tools', 'For cutting and grinding discs'],
  ['SG-0001', 'Safety Glasses Clear', 'Safety', 'EN 166, anti-fog'],
  ['GL-0009', 'Nitrile Gloves Size 9', 'Safety', 'Box of 100'],
  ['HE-0001', 'Safety Helmet White', 'Safety', 'With ratchet'],
  ['CT-0300', 'Cable Ties 300 mm', 'Electrical', 'Black, UV resistant'],
  ['EX-0005', 'Extension Cable 5 m', 'Electrical', 'Three sockets'],
  ['GV-0020', 'Galvanized Chain 20 m', 'Hardware', 'Hot-dip galvanized'],
  ['PL-0001', 'Padlock Brass 40 mm', 'Hardware', 'Two keys'],
];

const CUSTOMERS: Record<string, unknown>[] = [
  { name: 'Müller Haustechnik', company: 'Müller GmbH', city: 'Berlin', email: 'info@mueller-haustechnik.de' },
  { name: 'Anna Schmidt', company: 'Bäckerei Schmidt', city: 'Potsdam', phone: '+49 331 5550123' },
  { name: 'Jonas Weber', company: 'Weber Metallbau', city: 'Cottbus' },
  { name: 'Hydro Werke Ost', company: 'Hydro AG', city: 'Frankfurt (Oder)' },
  { name: 'Autohaus Krüger', company: 'Krüger & Söhne KG', city: 'Brandenburg an der Havel' },
];

/** query → name of the expected first hit */
const PRODUCT_QUERIES: [kind: string, q: string, top: string][] = [
  ['exact', 'torque wrench', 'Torque Wrench 200 Nm'],
  ['typo (transposition)', 'blot', 'Hex Bolt M8 Zinc'],
  ['typo (two edits, long word)', 'hydrolic pump', 'Hydraulic Hand Pump'],
  ['typo (missing letter)', 'wrnch 13', 'Combination Wrench 13 mm'],
  ['typo (extra letter)', 'screwdrriver', 'Screwdriver Set 6 pcs'],
  ['typo (British spelling)', 'galvanised chain', 'Galvanized Chain 20 m'],
  ['typo (first letter)', 'nitrlie', 'Nitrile Gloves Size 9'],
  ['prefix', 'torq', 'Torque Wrench 200 Nm'],
  ['prefix, multi-word', 'safety gla', 'Safety Glasses Clear'],
  ['prefix with typo', 'anlge gr', 'Angle Grinder 125 mm'],
  ['sku', 'TW-200', 'Torque Wrench 200 Nm'],
  ['sku, lower case', 'hx-1240', 'Stainless Hex Bolt M10'],
  ['sku prefix', 'DR-18', 'Cordless Drill 18V'],
  ['multi-word', 'stainless hex bolt', 'Stainless Hex Bolt M10'],
  ['multi-word with size', 'hex nut m8', 'Hex Nut M8'],
  ['multi-word, words in any order', 'drill cordless', 'Cordless Drill 18V'],
  ['name outranks description', 'pump', 'Hydraulic Hand Pump'],
  ['name outranks description', 'bolt', 'Hex Bolt M8 Zinc'],
  ['category word', 'hydraulics hose', 'Hydraulic Hose 1 m'],
  ['superfluous word falls back to any', 'padlock xyzzy', 'Padlock Brass 40 mm'],
];

const CUSTOMER_QUERIES: [kind: string, q: string, top: string][] = [
  ['diacritics', 'muller', 'Müller Haustechnik'],
  ['transliteration typo', 'mueller', 'Müller Haustechnik'],
  ['company', 'backerei', 'Anna Schmidt'],
  ['city with typo', 'potsdm', 'Anna Schmidt'],
  ['phone', '5550123', 'Anna Schmidt'],
  ['prefix', 'kru', 'Autohaus Krüger'],
  ['multi-word', 'weber metall', 'Jonas Weber'],
];

describe('search relevance (labelled queries)', () => {
  let t: TestTenant;

  beforeAll(async () => {
    t = await createTenant();
    for (const [sku, name, category, description] of PRODUCTS) {
      await createProduct(t.token, { sku, name, category, description, priceMinor: 1000 });
    }
    for (const c of CUSTOMERS) await createCustomer(t.token, { lat: null, lng: null, ...c });
  });

  async function misses(type: 'products' | 'customers', queries: [string, string, string][]) {
    const wrong: string[] = [];
    for (const [kind, q, top] of queries) {
      const res = await answered(rest(t.token).GET('/v1/search', { params: { query: { type, limit: 3, q } } }));
      const got = res.body.hits?.[0]?.entity?.name ?? '(nothing)';
      if (got !== top) wrong.push(`${kind}: "${q}" → ${got} (expected ${top})`);
    }
    return wrong;
  }

  it('puts the expected product first for every labelled query', async () => {
    expect(await misses('products', PRODUCT_QUERIES)).toEqual([]);
  });

  it('puts the expected customer first for every labelled query', async () => {
    expect(await misses('customers', CUSTOMER_QUERIES)).toEqual([]);
  });
});
