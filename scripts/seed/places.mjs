// Sales territories around German cities, with the towns customers cluster in, and geometry helpers.

const KM_PER_DEG_LAT = 111.2;

/**
 * `radiusKm` is the territory's nominal radius around `center`; every town lies well inside it.
 * Town weights are relative customer density. `salesmen` splits the 20-strong field force.
 */
export const TERRITORIES = [
  {
    name: 'Berlin & Potsdam',
    center: [52.5, 13.32],
    radiusKm: 34,
    salesmen: 4,
    area: '30',
    towns: [
      ['Berlin-Mitte', 52.52, 13.405, 5, '101'],
      ['Berlin-Charlottenburg', 52.516, 13.304, 3, '106'],
      ['Berlin-Kreuzberg', 52.499, 13.403, 3, '109'],
      ['Berlin-Neukölln', 52.481, 13.435, 3, '120'],
      ['Berlin-Prenzlauer Berg', 52.539, 13.424, 3, '104'],
      ['Berlin-Spandau', 52.535, 13.2, 2, '135'],
      ['Berlin-Köpenick', 52.445, 13.575, 2, '125'],
      ['Berlin-Steglitz', 52.457, 13.321, 2, '121'],
      ['Berlin-Pankow', 52.569, 13.402, 2, '131'],
      ['Potsdam', 52.391, 13.065, 2, '144'],
    ],
  },
  {
    name: 'Hamburg',
    center: [53.56, 10.02],
    radiusKm: 26,
    salesmen: 3,
    area: '40',
    towns: [
      ['Hamburg-Mitte', 53.55, 9.994, 4, '200'],
      ['Hamburg-Altona', 53.55, 9.935, 3, '227'],
      ['Hamburg-Eimsbüttel', 53.577, 9.951, 3, '201'],
      ['Hamburg-Barmbek', 53.585, 10.04, 2, '220'],
      ['Hamburg-Wandsbek', 53.571, 10.08, 2, '220'],
      ['Hamburg-Harburg', 53.46, 9.983, 2, '210'],
      ['Hamburg-Bergedorf', 53.488, 10.213, 1.5, '210'],
      ['Norderstedt', 53.707, 10.0, 1.5, '228'],
    ],
  },
  {
    name: 'München',
    center: [48.15, 11.56],
    radiusKm: 27,
    salesmen: 3,
    area: '89',
    towns: [
      ['München-Altstadt', 48.137, 11.575, 4, '803'],
      ['München-Schwabing', 48.165, 11.585, 3, '808'],
      ['München-Sendling', 48.118, 11.54, 2, '813'],
      ['München-Pasing', 48.15, 11.461, 2, '812'],
      ['München-Giesing', 48.11, 11.59, 2, '815'],
      ['Dachau', 48.26, 11.434, 1.5, '852'],
      ['Garching', 48.249, 11.652, 1, '857'],
      ['Unterhaching', 48.066, 11.616, 1, '820'],
      ['Germering', 48.133, 11.368, 1, '821'],
    ],
  },
  {
    name: 'Köln & Bonn',
    center: [50.84, 7.03],
    radiusKm: 25,
    salesmen: 3,
    area: '221',
    towns: [
      ['Köln-Innenstadt', 50.938, 6.957, 4, '506'],
      ['Köln-Ehrenfeld', 50.951, 6.917, 2, '508'],
      ['Köln-Deutz', 50.936, 6.975, 1.5, '506'],
      ['Köln-Porz', 50.881, 7.06, 1, '511'],
      ['Bonn', 50.737, 7.098, 3, '531'],
      ['Bonn-Bad Godesberg', 50.684, 7.155, 1, '531'],
      ['Brühl', 50.829, 6.905, 1, '503'],
      ['Troisdorf', 50.816, 7.156, 1, '538'],
    ],
  },
  {
    name: 'Düsseldorf & Neuss',
    center: [51.25, 6.78],
    radiusKm: 19,
    salesmen: 2,
    area: '211',
    towns: [
      ['Düsseldorf-Altstadt', 51.226, 6.772, 3, '402'],
      ['Düsseldorf-Bilk', 51.205, 6.775, 2, '402'],
      ['Düsseldorf-Oberkassel', 51.23, 6.75, 1, '405'],
      ['Neuss', 51.198, 6.692, 2, '414'],
      ['Ratingen', 51.297, 6.85, 1, '408'],
      ['Meerbusch', 51.257, 6.668, 1, '406'],
      ['Düsseldorf-Benrath', 51.162, 6.877, 1, '405'],
    ],
  },
  {
    name: 'Rhein-Main',
    center: [50.06, 8.72],
    radiusKm: 30,
    salesmen: 3,
    area: '69',
    towns: [
      ['Frankfurt-Innenstadt', 50.11, 8.682, 4, '603'],
      ['Frankfurt-Sachsenhausen', 50.1, 8.69, 2, '605'],
      ['Frankfurt-Bockenheim', 50.121, 8.65, 2, '604'],
      ['Offenbach am Main', 50.096, 8.776, 2, '630'],
      ['Bad Homburg', 50.227, 8.618, 1, '613'],
      ['Eschborn', 50.143, 8.57, 1, '657'],
      ['Hanau', 50.133, 8.917, 1.5, '634'],
      ['Darmstadt', 49.873, 8.651, 2, '642'],
    ],
  },
  {
    name: 'Stuttgart',
    center: [48.79, 9.17],
    radiusKm: 21,
    salesmen: 2,
    area: '711',
    towns: [
      ['Stuttgart-Mitte', 48.776, 9.177, 4, '701'],
      ['Stuttgart-Bad Cannstatt', 48.805, 9.215, 2, '703'],
      ['Stuttgart-Vaihingen', 48.73, 9.105, 1.5, '705'],
      ['Esslingen am Neckar', 48.74, 9.307, 2, '737'],
      ['Ludwigsburg', 48.897, 9.192, 2, '716'],
      ['Böblingen', 48.685, 9.011, 1.5, '710'],
      ['Fellbach', 48.81, 9.277, 1, '707'],
      ['Waiblingen', 48.831, 9.316, 1, '713'],
    ],
  },
];

export const STREETS = [
  'Hauptstraße',
  'Bahnhofstraße',
  'Schulstraße',
  'Gartenstraße',
  'Lindenstraße',
  'Kirchstraße',
  'Bergstraße',
  'Waldstraße',
  'Ringstraße',
  'Friedrichstraße',
  'Goethestraße',
  'Schillerstraße',
  'Mozartstraße',
  'Marktplatz',
  'Industriestraße',
  'Am Hafen',
  'Kantstraße',
  'Rosenweg',
  'Poststraße',
  'Wilhelmstraße',
  'Blumenstraße',
  'Mühlenweg',
  'Lessingstraße',
  'Parkstraße',
  'Am Markt',
  'Königstraße',
  'Feldstraße',
  'Kaiserstraße',
  'Beethovenstraße',
  'Uhlandstraße',
];

const kmPerDegLng = (lat) => KM_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);

/** [lat, lng] moved by dx km east and dy km north. */
export const offsetKm = ([lat, lng], dx, dy) => [lat + dy / KM_PER_DEG_LAT, lng + dx / kmPerDegLng(lat)];

/**
 * An irregular 18-gon around the territory centre as a GeoJSON Polygon ([lng, lat], counter-clockwise
 * exterior ring as RFC 7946 asks). Radii wobble smoothly so the regions look hand-drawn, not circular.
 */
export function territoryPolygon(territory, rnd) {
  const n = 18;
  const phase = rnd.range(0, Math.PI * 2);
  const ring = [];
  for (let i = 0; i < n; i++) {
    const angle = (i / n) * Math.PI * 2;
    const wobble =
      1 + 0.07 * Math.sin(3 * angle + phase) + 0.04 * Math.cos(5 * angle + phase * 2) + rnd.range(-0.02, 0.02);
    const r = territory.radiusKm * wobble;
    const [lat, lng] = offsetKm(territory.center, r * Math.cos(angle), r * Math.sin(angle));
    ring.push([round6(lng), round6(lat)]);
  }
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
}

/** Ray casting on the exterior ring; plenty for convex-ish regions a few dozen km across. */
export function insidePolygon(polygon, lat, lng) {
  const ring = polygon.coordinates[0];
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export const round6 = (x) => Math.round(x * 1e6) / 1e6;
