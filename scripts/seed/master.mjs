// Master data of the demo tenant: tenant, users, territories, salesmen, products and customers.
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { berlinTime, DAY_MS, holidayCalendar } from './calendar.mjs';
import { buildCatalog, CATEGORIES } from './catalog.mjs';
import { BUSINESS_TYPES, CUSTOMER_NOTES, companyName, FIRST_NAMES, LAST_NAMES, pickSpot, slug } from './people.mjs';
import { insidePolygon, offsetKm, round6, STREETS, TERRITORIES, territoryPolygon } from './places.mjs';
import { weightedSampler } from './random.mjs';

export const DEMO_PASSWORD = 'fieldline-demo';
export const DEMO_DOMAIN = 'demo.fieldline.test';
export const OWNER_EMAIL = `owner@${DEMO_DOMAIN}`;
const PBKDF2_ITERATIONS = 100_000;
const pbkdf2Async = promisify(pbkdf2);
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const iso = (ms) => new Date(ms).toISOString();

/**
 * The app's unpeppered password format (src/auth/passwords.ts): PBKDF2-SHA256, 100k iterations, 32-byte
 * hash. It verifies like any hash from before the pepper, and each demo user's first login rehashes it
 * with the pepper in .dev.vars (docs/security.md#passwords).
 */
async function passwordHash(rnd) {
  const salt = Buffer.alloc(16);
  for (let i = 0; i < 16; i += 4) salt.writeUInt32LE(rnd.uint32(), i);
  const hash = await pbkdf2Async(DEMO_PASSWORD, salt, PBKDF2_ITERATIONS, 32, 'sha256');
  return `pbkdf2_sha256$${PBKDF2_ITERATIONS}$${b64url(salt)}$${b64url(hash)}`;
}

const entity = (tenantId, id, createdMs, updatedMs = createdMs, version = 1) => ({
  tenant_id: tenantId,
  id,
  created_at: iso(createdMs),
  updated_at: iso(updatedMs),
  version,
  deleted_at: null,
});

/** Customer behaviour: how often they order relative to a regular, and how much per order. */
const SEGMENTS = [
  { segment: 'loyal', weight: 15, rate: 4.5, size: 1.3, favourites: 0.85 },
  { segment: 'big_spender', weight: 5, rate: 2.2, size: 4, favourites: 0.7 },
  { segment: 'regular', weight: 42, rate: 1, size: 1, favourites: 0.65 },
  { segment: 'occasional', weight: 18, rate: 0.3, size: 0.8, favourites: 0.45 },
  { segment: 'churned', weight: 12, rate: 1.1, size: 1, favourites: 0.6 },
  { segment: 'new', weight: 8, rate: 1.3, size: 1, favourites: 0.6 },
];

export async function buildMaster(rnd, { tenantId, tenantCreatedMs, startMs, todayMs, customerCount }) {
  const days = Math.round((todayMs - startMs) / DAY_MS);
  const tenant = {
    id: tenantId,
    name: 'Demo Distribution Co',
    plan: 'pro',
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    check_in_radius_m: 200,
    locale: 'de-DE',
    holidays: holidayCalendar(todayMs),
    created_at: iso(tenantCreatedMs),
    // The demo company saved its settings on its first day, so its onboarding checklist is complete.
    updated_at: iso(tenantCreatedMs + 3_600_000),
    version: 2,
    deleted_at: null,
  };

  const usedNames = new Set();
  const personName = () => {
    for (;;) {
      const name = `${rnd.pick(FIRST_NAMES)} ${rnd.pick(LAST_NAMES)}`;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };
  const mobile = () => `+49 1${rnd.pick(['51', '52', '57', '60', '70', '76'])} ${rnd.int(1000000, 9999999)}`;
  const hashes = await Promise.all(Array.from({ length: 22 }, () => passwordHash(rnd)));
  const user = (email, name, role, createdMs) => ({
    ...entity(tenantId, rnd.idAt(createdMs), createdMs),
    email,
    name,
    role,
    password_hash: hashes.pop(),
    active: true,
    last_login_at: iso(berlinTime(todayMs - rnd.int(1, 3) * DAY_MS, rnd.range(7.5, 18))),
  });
  const users = [
    user(OWNER_EMAIL, 'Katrin Vogel', 'owner', tenantCreatedMs),
    user(`manager@${DEMO_DOMAIN}`, 'Jonas Becker', 'manager', tenantCreatedMs + 3_600_000),
  ];

  const territories = [];
  const salesmen = [];
  let salesmanNo = 0;
  for (const t of TERRITORIES) {
    const createdMs = tenantCreatedMs + 2 * 3_600_000 + rnd.int(0, 600_000);
    const boundary = territoryPolygon(t, rnd);
    for (const [town, lat, lng] of t.towns) {
      if (!insidePolygon(boundary, lat, lng)) throw new Error(`seed data: ${town} lies outside ${t.name}`);
    }
    const territory = {
      ...entity(tenantId, rnd.idAt(createdMs), createdMs),
      name: t.name,
      description: `Sales region ${t.name}: ${t.towns.map(([town]) => town).join(', ')}.`,
      boundary,
      meta: t,
      polygon: boundary,
      salesmen: [],
    };
    territories.push(territory);
    for (let k = 0; k < t.salesmen; k++) {
      salesmanNo++;
      const joinedMs = tenantCreatedMs + DAY_MS + rnd.int(0, 3 * 3_600_000);
      const u = user(`salesman${salesmanNo}@${DEMO_DOMAIN}`, personName(), 'salesman', joinedMs);
      users.push(u);
      const s = {
        ...entity(tenantId, rnd.idAt(joinedMs + 60_000), joinedMs + 60_000),
        user_id: u.id,
        territory_id: territory.id,
        name: u.name,
        phone: mobile(),
        employee_code: `FD-${String(100 + salesmanNo).padStart(4, '0')}`,
        active: true,
        // Simulation-only fields (not columns): selling skill, and the sector of the territory he covers.
        skill: rnd.range(0.75, 1.3),
        sector: k,
      };
      salesmen.push(s);
      territory.salesmen.push(s);
    }
  }

  const products = buildCatalog(rnd).map((p) => {
    // Most of the range was listed at onboarding; some lines arrived later, a few were discontinued.
    const introducedDay = rnd.chance(0.08) ? rnd.int(30, days - 30) : null;
    const discontinuedDay = !introducedDay && rnd.chance(0.03) ? rnd.int(days / 2, days - 20) : null;
    const createdMs = introducedDay === null ? tenantCreatedMs + 4 * 3_600_000 : startMs + introducedDay * DAY_MS;
    return {
      ...p,
      row: {
        ...entity(tenantId, rnd.idAt(createdMs), createdMs),
        sku: p.sku,
        name: p.name,
        description: p.description,
        category: p.category,
        price_minor: p.priceMinor,
        currency: 'EUR',
        active: discontinuedDay === null,
      },
      fromDay: introducedDay ?? -Infinity,
      untilDay: discontinuedDay ?? Infinity,
    };
  });

  const customers = buildCustomers(rnd, {
    tenantId,
    tenantCreatedMs,
    startMs,
    days,
    customerCount,
    territories,
    products,
  });
  return { tenant, users, territories, salesmen, products, customers, days };
}

function buildCustomers(rnd, { tenantId, tenantCreatedMs, startMs, days, customerCount, territories, products }) {
  const totalSalesmen = territories.reduce((n, t) => n + t.salesmen.length, 0);
  const byCategory = new Map(CATEGORIES.map((c) => [c.code, products.filter((p) => p.categoryCode === c.code)]));
  const usedEmails = new Set();
  const customers = [];
  for (const territory of territories) {
    const { meta, polygon } = territory;
    const count = Math.round((customerCount * territory.salesmen.length) / totalSalesmen);
    const townPick = weightedSampler(
      meta.towns,
      meta.towns.map((t) => t[3]),
    );
    const sectorOffset = rnd.range(0, Math.PI * 2);
    for (let i = 0; i < count; i++) {
      const [town, tLat, tLng, , plz] = townPick(rnd);
      let lat;
      let lng;
      do {
        [lat, lng] = offsetKm([tLat, tLng], rnd.normal(0, 2.2), rnd.normal(0, 2.2));
      } while (!insidePolygon(polygon, lat, lng));
      // Each salesman works one slice of the territory, so his customers are near each other.
      const [cLat, cLng] = meta.center;
      const angle =
        (Math.atan2(lat - cLat, (lng - cLng) * Math.cos((cLat * Math.PI) / 180)) + sectorOffset) % (2 * Math.PI);
      const n = territory.salesmen.length;
      const salesman =
        territory.salesmen[Math.floor((((angle + 2 * Math.PI) % (2 * Math.PI)) / (2 * Math.PI)) * n) % n];

      const business = rnd.weighted(BUSINESS_TYPES.map((b) => [b, b.weight]));
      const last = rnd.pick(LAST_NAMES);
      const name = business.names(rnd, last, pickSpot(rnd));
      const seg = rnd.weighted(SEGMENTS.map((s) => [s, s.weight]));
      let createdDay;
      if (seg.segment === 'new') createdDay = days - rnd.int(20, 150);
      else if (rnd.chance(0.22)) createdDay = Math.floor((days - 150) * rnd.float() ** 0.8);
      else createdDay = null;
      const createdMs =
        createdDay === null
          ? tenantCreatedMs + rnd.int(1, 25) * DAY_MS + rnd.int(0, 8 * 3_600_000)
          : startMs + createdDay * DAY_MS + rnd.int(8, 17) * 3_600_000;
      const firstDay = createdDay === null ? 0 : createdDay + 1;
      const lastDay = seg.segment === 'churned' ? Math.max(firstDay + 45, days - rnd.int(60, 330)) : days;
      const switched = seg.segment === 'churned' && rnd.chance(0.5) && lastDay + 40 < days;
      const updatedMs = switched ? startMs + (lastDay + rnd.int(20, 40)) * DAY_MS + 10 * 3_600_000 : createdMs;

      let email = null;
      if (rnd.chance(0.85)) {
        const base = `${rnd.pick(['info', 'einkauf', 'kontakt', 'bestellung'])}@${slug(name)}`;
        let candidate = `${base}.example`;
        for (let k = 2; usedEmails.has(candidate); k++) candidate = `${base}-${k}.example`;
        usedEmails.add(candidate);
        email = candidate;
      }
      const row = {
        ...entity(tenantId, rnd.idAt(createdMs), createdMs, updatedMs, switched ? 2 : 1),
        name,
        email,
        phone: rnd.chance(0.95) ? `+49 ${meta.area} ${rnd.int(100000, 9999999)}` : null,
        company: companyName(rnd, last, name),
        address: `${rnd.pick(STREETS)} ${rnd.int(1, 180)}${rnd.chance(0.1) ? rnd.pick(['a', 'b']) : ''}, ${plz}${String(rnd.int(0, 99)).padStart(2, '0')} ${town.replace(/-.*/, '')}`,
        city: town,
        lat: round6(lat),
        lng: round6(lng),
        territory_id: territory.id,
        salesman_id: salesman.id,
        notes: switched
          ? 'Switched to another supplier; win-back call planned.'
          : rnd.chance(0.12)
            ? rnd.pick(CUSTOMER_NOTES)
            : null,
      };

      const catWeights = Object.entries(business.categories);
      const favourites = new Set();
      const favouriteCount = rnd.int(8, seg.segment === 'big_spender' ? 40 : 25);
      while (favourites.size < favouriteCount) {
        const list = byCategory.get(rnd.weighted(catWeights));
        favourites.add(rnd.weighted(list.map((p) => [p, p.popularity])));
      }
      customers.push({
        row,
        business,
        segment: seg.segment,
        salesman,
        firstDay,
        lastDay,
        rate: seg.rate * rnd.range(0.7, 1.3) * salesman.skill,
        size: seg.size * Math.exp(rnd.normal(0, 0.25)),
        favouriteShare: seg.favourites,
        favourites: [...favourites],
        categoryWeights: catWeights,
        payOnDelivery: rnd.chance(business.payOnDelivery),
        paymentTermDays: rnd.chance(0.6) ? 14 : 30,
        payer: rnd.weighted([
          ['punctual', 90],
          ['late', 8],
          ['defaulting', 2],
        ]),
      });
    }
  }
  return customers;
}
