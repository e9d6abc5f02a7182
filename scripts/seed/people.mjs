// Names for the demo's people and the businesses it sells to.

export const FIRST_NAMES = [
  'Anna',
  'Lukas',
  'Sophie',
  'Jonas',
  'Marie',
  'Leon',
  'Laura',
  'Felix',
  'Julia',
  'Paul',
  'Lena',
  'Tim',
  'Sarah',
  'Jan',
  'Katharina',
  'Niklas',
  'Hannah',
  'Tobias',
  'Lisa',
  'Florian',
  'Miriam',
  'Stefan',
  'Nadine',
  'Markus',
  'Sandra',
  'Thomas',
  'Claudia',
  'Andreas',
  'Petra',
  'Michael',
  'Sabine',
  'Daniel',
  'Christina',
  'Mehmet',
  'Ayşe',
  'Luca',
  'Giulia',
  'Dimitrios',
  'Elena',
  'Piotr',
  'Agnieszka',
  'Ivana',
  'Emre',
  'Nico',
];

export const LAST_NAMES = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Bauer',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Hartmann',
  'Lange',
  'Schmitt',
  'Werner',
  'Krause',
  'Meier',
  'Lehmann',
  'Schmid',
  'Schulze',
  'Maier',
  'Köhler',
  'Herrmann',
  'König',
  'Walter',
  'Mayer',
  'Huber',
  'Kaiser',
  'Fuchs',
  'Peters',
  'Lang',
  'Scholz',
  'Möller',
  'Weiß',
  'Jung',
  'Hahn',
  'Vogel',
  'Friedrich',
  'Keller',
  'Yılmaz',
  'Kaya',
  'Rossi',
  'Esposito',
  'Papadopoulos',
  'Nowak',
  'Kowalski',
  'Horvat',
  'Demir',
  'Berger',
];

const ITALIAN = ['Da Mario', 'Bella Napoli', 'La Piazza', 'Il Gusto', 'Da Enzo', 'Trattoria Roma', 'La Dolce Vita'];
const GREEK = ['Taverna Olympia', 'Mykonos', 'Akropolis', 'Taverna Kreta', 'Athos'];
const INN_SIGNS = ['Löwen', 'Hirsch', 'Adler', 'Schwan', 'Anker', 'Krone', 'Linde', 'Ochsen', 'Stern'];
const CAFE_WORDS = [
  'Central',
  'Lindenblüte',
  'Kaffeeklatsch',
  'Zeitlos',
  'Morgenrot',
  'Kranich',
  'Milchbar',
  'Rösterei',
];
const SPOTS = ['Markt', 'Bahnhof', 'Park', 'Rathaus', 'Hafen', 'Ring', 'Dom', 'Stadttor', 'See'];

/**
 * Business types a beverage and grocery wholesaler sells to. `categories` weights what they buy;
 * `payOnDelivery` is the share paying cash or card at the door rather than by invoice.
 */
export const BUSINESS_TYPES = [
  {
    type: 'kiosk',
    weight: 16,
    payOnDelivery: 0.75,
    categories: { SD: 5, WA: 3, BE: 4, SN: 4, CO: 5, IC: 2, JU: 1, WS: 1 },
    names: (r, last, spot) => r.pick([`Kiosk am ${spot}`, `${last}s Späti`, `Kiosk ${last}`, `Trinkhalle am ${spot}`]),
  },
  {
    type: 'bakery',
    weight: 12,
    payOnDelivery: 0.6,
    categories: { BS: 6, DA: 4, CT: 3, JU: 2, SD: 1, PP: 2, CO: 1 },
    names: (r, last) => r.pick([`Bäckerei ${last}`, `Backstube ${last}`, `Bäckerei & Konditorei ${last}`]),
  },
  {
    type: 'restaurant',
    weight: 16,
    payOnDelivery: 0.2,
    categories: { BE: 4, WS: 4, WA: 4, SD: 3, DG: 5, DA: 3, HC: 2, PP: 1, JU: 1, CT: 2 },
    names: (r, last) =>
      r.pick([
        r.pick(ITALIAN),
        r.pick(GREEK),
        `Gasthaus zum ${r.pick(INN_SIGNS)}`,
        `Brauhaus ${last}`,
        `Restaurant ${last}`,
      ]),
  },
  {
    type: 'cafe',
    weight: 11,
    payOnDelivery: 0.35,
    categories: { CT: 6, DA: 5, JU: 2, SD: 2, WA: 2, CO: 2, PP: 3, IC: 2, BS: 1 },
    names: (r, last) => r.pick([`Café ${r.pick(CAFE_WORDS)}`, `Café ${last}`, `Kaffeehaus ${last}`]),
  },
  {
    type: 'hotel',
    weight: 6,
    payOnDelivery: 0,
    categories: { WA: 4, JU: 4, CT: 4, DA: 3, WS: 3, BE: 2, SD: 2, HC: 3, PP: 2, DG: 2 },
    names: (r, last, spot) =>
      r.pick([`Hotel am ${spot}`, `Hotel ${last}`, `Parkhotel ${last}`, `Hotel ${r.pick(INN_SIGNS)}`]),
  },
  {
    type: 'supermarket',
    weight: 9,
    payOnDelivery: 0,
    categories: { SD: 4, WA: 4, JU: 3, BE: 4, WS: 3, SN: 4, CO: 4, DA: 3, DG: 4, HC: 3, PP: 2, CT: 2, IC: 1 },
    names: (r, last) => r.pick([`${last} Frischemarkt`, `Nahkauf ${last}`, `Markt ${last} e.K.`, `Dorfladen ${last}`]),
  },
  {
    type: 'petrol_station',
    weight: 6,
    payOnDelivery: 0.5,
    categories: { SD: 5, WA: 3, SN: 4, CO: 4, BE: 2, IC: 2, CT: 2 },
    names: (r, last, spot) => r.pick([`Tankstelle ${last}`, `Tankstelle am ${spot}`, `Autohof ${last}`]),
  },
  {
    type: 'canteen',
    weight: 7,
    payOnDelivery: 0,
    categories: { DG: 5, DA: 3, WA: 3, JU: 2, SD: 2, CT: 3, HC: 3, PP: 3 },
    names: (r, last) => r.pick([`Kantine ${last} AG`, `${last} Catering`, `Betriebsrestaurant ${last}`]),
  },
  {
    type: 'bar',
    weight: 9,
    payOnDelivery: 0.45,
    categories: { BE: 6, WS: 5, SD: 4, WA: 2, JU: 1, SN: 2 },
    names: (r, last, spot) =>
      r.pick([`${last}s Eck`, `Kneipe am ${spot}`, `Bar ${r.pick(CAFE_WORDS)}`, `Zum ${r.pick(INN_SIGNS)}`]),
  },
  {
    type: 'beverage_store',
    weight: 8,
    payOnDelivery: 0.1,
    categories: { SD: 5, WA: 5, JU: 3, BE: 5, WS: 2 },
    names: (r, last) => r.pick([`Getränke ${last}`, `Getränkemarkt ${last}`, `Durstlöscher ${last}`]),
  },
];

export const pickSpot = (r) => r.pick(SPOTS);

/** Legal entity behind a customer, the way it would appear on an invoice. */
export function companyName(r, last, tradingName) {
  return r.weighted([
    [`${last} GmbH`, 4],
    [`${tradingName} GmbH`, 2],
    [`${r.pick(FIRST_NAMES)} ${last} e.K.`, 3],
    [`${last} & ${r.pick(LAST_NAMES)} OHG`, 1],
    [`${last} Gastro GmbH & Co. KG`, 1],
  ]);
}

/** ASCII slug for e-mail addresses: umlauts spelled out, everything else dashed. */
export function slug(text) {
  return text
    .toLowerCase()
    .replaceAll('ä', 'ae')
    .replaceAll('ö', 'oe')
    .replaceAll('ü', 'ue')
    .replaceAll('ß', 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export const CUSTOMER_NOTES = [
  'Delivery before 10:00 only.',
  'Closed on Mondays.',
  'Use the side entrance for deliveries.',
  'Invoices by e-mail, please.',
  'Ask for the owner; staff cannot sign.',
  'Pallet deliveries possible (loading ramp).',
  'Empties are collected on every visit.',
  'Interested in the summer promotion.',
  'Parking is difficult; call ahead.',
];
