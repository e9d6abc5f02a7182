// The wholesaler's product range: invented brands, realistic items, pack sizes and trade prices (EUR).

/**
 * `base` is the price in cents of a reference pack; each pack multiplies it. `quota` is how many
 * brand × item × pack combinations the demo lists. `season` is demand by month (Jan..Dec).
 */
export const CATEGORIES = [
  {
    code: 'SD',
    name: 'Soft Drinks',
    base: 1299,
    quota: 70,
    season: [0.8, 0.82, 0.92, 1, 1.12, 1.28, 1.35, 1.3, 1.05, 0.92, 0.85, 0.95],
    brands: ['Fizzo', 'Berg Limo', 'Citrella', 'ColaNova', 'Nordquell'],
    items: [
      'Cola',
      'Cola Zero',
      'Orange Soda',
      'Lemon Soda',
      'Ginger Ale',
      'Bitter Lemon',
      'Tonic Water',
      'Cherry Cola',
      'Mate Soda',
      'Apple Spritzer',
      'Rhubarb Spritzer',
      'Grapefruit Soda',
    ],
    packs: [
      ['24 × 0.33 L can', 1],
      ['12 × 1.0 L PET', 0.85],
      ['20 × 0.5 L glass', 1.05],
      ['6 × 1.5 L PET', 0.45],
    ],
    note: 'Deposit charged separately.',
  },
  {
    code: 'WA',
    name: 'Water',
    base: 699,
    quota: 30,
    season: [0.85, 0.85, 0.92, 1, 1.1, 1.25, 1.32, 1.28, 1.05, 0.92, 0.85, 0.85],
    brands: ['Alpenquell', 'Taunusperle', 'Silberbrunn', 'Eifelquelle'],
    items: ['Still', 'Medium', 'Sparkling', 'Naturell Low Sodium'],
    packs: [
      ['12 × 1.0 L glass', 1],
      ['12 × 0.75 L glass', 0.9],
      ['6 × 1.5 L PET', 0.55],
      ['24 × 0.5 L PET', 1.1],
    ],
    note: 'Deposit charged separately.',
  },
  {
    code: 'JU',
    name: 'Juices',
    base: 1099,
    quota: 35,
    season: [0.95, 0.95, 1, 1, 1.02, 1.05, 1.08, 1.05, 1, 0.98, 0.95, 1],
    brands: ['Sonnhof', 'Obstgarten', 'Vitalo'],
    items: [
      'Apple Juice',
      'Orange Juice',
      'Multivitamin',
      'Cloudy Apple Juice',
      'Grape Juice',
      'Cherry Nectar',
      'Banana Nectar',
      'Tomato Juice',
      'Pineapple Juice',
      'Passion Fruit Nectar',
    ],
    packs: [
      ['6 × 1.0 L glass', 1],
      ['12 × 0.2 L glass', 0.95],
      ['8 × 1.0 L carton', 1.05],
    ],
    note: 'Not from concentrate unless stated.',
  },
  {
    code: 'BE',
    name: 'Beer',
    base: 1799,
    quota: 55,
    season: [0.8, 0.82, 0.9, 1, 1.12, 1.25, 1.3, 1.28, 1.12, 1.02, 0.88, 1.05],
    brands: ['Brauerei Kranich', 'Lindenbräu', 'Hafenbräu', 'Klosterhof'],
    items: ['Pils', 'Helles', 'Weissbier', 'Export', 'Alcohol-free Pils', 'Radler', 'Dunkel', 'Pale Ale', 'Kellerbier'],
    packs: [
      ['20 × 0.5 L crate', 1],
      ['24 × 0.33 L crate', 0.95],
      ['30 L keg', 4.6],
    ],
    note: 'Crate and keg deposit charged separately.',
  },
  {
    code: 'WS',
    name: 'Wine & Spirits',
    base: 4199,
    quota: 45,
    season: [0.75, 0.8, 0.9, 0.95, 1, 1.02, 1.05, 1.02, 1, 1.02, 1.15, 1.55],
    brands: ['Weingut Rebhang', 'Domaine Soleil', 'Kellerei Moselblick', 'Destille Nordlicht'],
    items: [
      'Riesling Dry',
      'Pinot Grigio',
      'Müller-Thurgau',
      'Spätburgunder',
      'Rosé',
      'Prosecco',
      'Sekt Dry',
      'Vodka',
      'Dry Gin',
      'Herbal Liqueur',
      'Korn',
      'Dark Rum',
    ],
    packs: [
      ['6 × 0.75 L', 1],
      ['12 × 0.2 L', 0.7],
    ],
    note: 'Sale to persons under 18 prohibited.',
  },
  {
    code: 'CT',
    name: 'Coffee & Tea',
    base: 1699,
    quota: 35,
    season: [1.12, 1.1, 1.05, 1, 0.95, 0.88, 0.85, 0.86, 0.98, 1.05, 1.1, 1.15],
    brands: ['Röstwerk', 'Kaffee Kontor Nord', 'Teehaus Jasmin'],
    items: [
      'Espresso Beans',
      'Crema Beans',
      'Filter Coffee Ground',
      'Decaf Beans',
      'Black Tea',
      'Green Tea',
      'Peppermint Tea',
      'Chamomile Tea',
      'Fruit Tea',
      'Rooibos Tea',
    ],
    packs: [
      ['1 kg', 1],
      ['6 × 250 g', 1.4],
      ['catering pack', 2.2],
    ],
    note: 'Store cool and dry.',
  },
  {
    code: 'SN',
    name: 'Snacks',
    base: 1599,
    quota: 40,
    season: [0.9, 0.92, 0.95, 1, 1.05, 1.12, 1.15, 1.12, 1.02, 0.98, 0.95, 1.05],
    brands: ['Knusperland', 'Crunchy Fields', 'Salzgold'],
    items: [
      'Salted Crisps',
      'Paprika Crisps',
      'Sour Cream Crisps',
      'Salt Sticks',
      'Pretzels',
      'Roasted Peanuts',
      'Cashews',
      'Tortilla Chips',
      'Sweet Popcorn',
      'Mixed Nuts',
      'Rice Crackers',
    ],
    packs: [
      ['10 × 175 g', 1],
      ['20 × 40 g', 0.8],
      ['catering 1 kg', 0.7],
    ],
    note: 'Display carton.',
  },
  {
    code: 'CO',
    name: 'Confectionery',
    base: 1899,
    quota: 40,
    season: [0.85, 0.95, 1.1, 1.05, 0.9, 0.82, 0.8, 0.82, 0.95, 1.08, 1.3, 1.45],
    brands: ['Süsswerk', 'Choco Royal', 'Fruchtgummi Manufaktur'],
    items: [
      'Milk Chocolate Bar',
      'Dark Chocolate 70 %',
      'Hazelnut Chocolate',
      'Gummy Bears',
      'Sour Worms',
      'Licorice',
      'Chocolate Wafers',
      'Caramel Bars',
      'Marzipan Bar',
      'Mint Drops',
    ],
    packs: [
      ['20 × 100 g', 1],
      ['display of 36', 1.3],
      ['1 kg bag', 0.6],
    ],
    note: 'Keep below 20 °C.',
  },
  {
    code: 'DA',
    name: 'Dairy',
    base: 1199,
    quota: 30,
    season: [1, 1, 1, 1, 1, 0.97, 0.95, 0.95, 1, 1.02, 1.03, 1.08],
    brands: ['Hofmolkerei Grünland', 'Almfrisch'],
    items: [
      'Whole Milk 3.5 %',
      'Low-fat Milk 1.5 %',
      'Barista Oat Drink',
      'Lactose-free Milk',
      'Cream 30 %',
      'Natural Yogurt',
      'Butter',
      'Gouda Sliced',
      'Emmental Block',
      'Quark 20 %',
    ],
    packs: [
      ['case of 12', 1],
      ['case of 6', 0.55],
      ['catering pack', 1.8],
    ],
    note: 'Chilled delivery (2–7 °C).',
  },
  {
    code: 'BS',
    name: 'Bakery Supplies',
    base: 1399,
    quota: 30,
    season: [0.95, 0.95, 1, 1.05, 1, 0.95, 0.92, 0.92, 1, 1.05, 1.12, 1.25],
    brands: ['Mühle Hansen', 'Backstube Profi'],
    items: [
      'Wheat Flour Type 405',
      'Rye Flour Type 1150',
      'Spelt Flour',
      'Baking Yeast',
      'Sugar',
      'Icing Sugar',
      'Sesame Seeds',
      'Sunflower Seeds',
      'Baking Malt',
      'Croissant Dough (frozen)',
      'Baguette (frozen)',
    ],
    packs: [
      ['10 kg', 1],
      ['25 kg', 2.2],
      ['5 × 1 kg', 0.6],
    ],
    note: 'Trade pack.',
  },
  {
    code: 'DG',
    name: 'Canned & Dry Goods',
    base: 1999,
    quota: 45,
    season: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.02, 1.05],
    brands: ['Vorratskammer', 'Bella Cucina', 'Gutsküche'],
    items: [
      'Peeled Tomatoes',
      'Chickpeas',
      'Kidney Beans',
      'Sweetcorn',
      'Penne',
      'Spaghetti',
      'Basmati Rice',
      'Olive Oil',
      'Sunflower Oil',
      'Tomato Ketchup',
      'Mustard Medium Hot',
      'Mayonnaise',
    ],
    packs: [
      ['catering case of 6', 1],
      ['retail case of 12', 0.45],
      ['bulk pack', 0.8],
    ],
    note: 'Long shelf life.',
  },
  {
    code: 'HC',
    name: 'Household & Cleaning',
    base: 1899,
    quota: 35,
    season: [1.02, 1, 1.05, 1.08, 1, 0.98, 0.95, 0.95, 1, 1, 1, 0.98],
    brands: ['Glanzwerk', 'ProClean', 'Sauberhaft'],
    items: [
      'Dishwasher Tabs',
      'Washing-up Liquid',
      'All-purpose Cleaner',
      'Glass Cleaner',
      'Floor Cleaner',
      'Hand Soap',
      'Disinfectant Spray',
      'Descaler',
      'Bin Bags 120 L',
      'Sponges',
    ],
    packs: [
      ['case of 6', 1],
      ['case of 12', 1.85],
      ['bulk pack', 1.4],
    ],
    note: 'Professional use.',
  },
  {
    code: 'PP',
    name: 'Paper & Packaging',
    base: 2499,
    quota: 35,
    season: [0.95, 0.95, 1, 1, 1.05, 1.08, 1.1, 1.08, 1, 0.98, 0.95, 1],
    brands: ['Papyrus Pro', 'EcoPack', 'Tafelwerk'],
    items: [
      'Paper Napkins 33 cm',
      'Kitchen Roll',
      'Toilet Paper 3-ply',
      'Z-fold Paper Towels',
      'Coffee Cups 0.3 L',
      'Cup Lids',
      'Takeaway Boxes',
      'Small Paper Bags',
      'Aluminium Foil',
      'Cling Film',
      'Paper Straws',
      'Wooden Cutlery Set',
    ],
    packs: [
      ['carton', 1],
      ['value carton', 1.8],
    ],
    note: 'Sold by the carton.',
  },
  {
    code: 'IC',
    name: 'Ice Cream',
    base: 1599,
    quota: 15,
    season: [0.35, 0.4, 0.65, 0.9, 1.35, 1.8, 2, 1.9, 1.15, 0.6, 0.4, 0.4],
    brands: ['Eiszeit', 'Gelato Bello'],
    items: ['Vanilla', 'Chocolate', 'Strawberry', 'Stracciatella', 'Pistachio', 'Lemon Sorbet'],
    packs: [
      ['4 L tub', 1],
      ['24 cups × 120 ml', 0.9],
    ],
    note: 'Frozen delivery (−18 °C).',
  },
];

/** Trade prices end in .49, .90 or .99 like a real list. */
function listPrice(cents) {
  const euros = Math.max(1, Math.floor(cents / 100));
  const ending = cents % 100 < 40 ? 49 : cents % 100 < 80 ? 90 : 99;
  return euros * 100 + ending;
}

/**
 * The product list: per category a random subset of brand × item × pack, with a popularity weight
 * (Zipf-like, so a few lines sell most) and the quantity a typical order takes.
 */
export function buildCatalog(rnd) {
  const products = [];
  for (const category of CATEGORIES) {
    const combos = [];
    const itemFactor = new Map(category.items.map((item) => [item, rnd.range(0.8, 1.3)]));
    const brandFactor = new Map(category.brands.map((brand) => [brand, rnd.range(0.85, 1.2)]));
    for (const brand of category.brands)
      for (const item of category.items) for (const pack of category.packs) combos.push([brand, item, pack]);
    const chosen = rnd.shuffle(combos).slice(0, category.quota);
    chosen.forEach(([brand, item, [pack, packFactor]], i) => {
      const brandCode = brand
        .replace(/[^A-Za-z]/g, '')
        .slice(0, 3)
        .toUpperCase();
      products.push({
        category: category.name,
        categoryCode: category.code,
        sku: `${category.code}-${brandCode}-${String(1001 + i * 7).padStart(4, '0')}`,
        name: `${brand} ${item}, ${pack}`,
        description: `${pack[0].toUpperCase()}${pack.slice(1)}. ${category.note}`,
        priceMinor: listPrice(category.base * packFactor * itemFactor.get(item) * brandFactor.get(brand)),
        popularity: 1 / (1 + i) ** 0.75,
        // Kegs and sacks go out one or two at a time; cans and bottles by the case.
        typicalQty: packFactor >= 2 ? 1.2 : packFactor < 0.7 ? 4 : 2.5,
      });
    });
  }
  return products;
}
