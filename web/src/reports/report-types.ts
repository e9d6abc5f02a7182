// The parts of the analytics responses the Reports screen reads (full shapes: /openapi.json).

export interface DateRange {
  start: string;
  end: string;
}

export interface DailyPoint {
  date: string;
  revenueMinor: number;
  orders: number;
  visits: number;
}

export interface Meta {
  timezone: string;
  currency: string;
  generatedAt: string;
}

export interface SalesPerformance {
  current: DateRange;
  previous: DateRange;
  totals: { revenueMinor: number; orders: number; visits: number; strikeRatePct: number | null };
  growth: { revenue: number | null; orders: number | null; visits: number | null };
  trend: DailyPoint[];
  salesmen: {
    salesmanId: string;
    name: string;
    revenueMinor: number;
    orders: number;
    visits: number;
    strikeRatePct: number | null;
    revenueGrowthPct: number | null;
    revenueAchievementPct: number | null;
  }[];
  meta: Meta;
}

export interface Executive {
  current: DateRange;
  previous: DateRange;
  summary: {
    key: string;
    label: string;
    unit: 'money' | 'count' | 'percent' | 'minutes';
    value: number | null;
    previous: number | null;
    changePct: number | null;
  }[];
  trend: DailyPoint[];
  meta: Meta;
}

export interface Segmentation {
  run: { runDate: string; previousRunDate: string | null; live: boolean } | null;
  segments: {
    segment: string;
    customers: number;
    revenueMinor: number;
    revenueSharePct: number | null;
    movedIn: number;
    movedOut: number;
  }[];
  meta: Meta;
}

export interface ProductRow {
  productId: string;
  sku: string;
  name: string;
  category: string | null;
  onHand: number;
  units: number;
  revenueMinor: number;
  velocityPerDay: number;
  revenueSharePct: number | null;
  daysOfCover: number | null;
}

export interface Products {
  range: DateRange;
  totals: { units: number; revenueMinor: number; orders: number; productsSold: number; velocityPerDay: number };
  top: ProductRow[];
  slowMovers: ProductRow[];
  meta: Meta;
}

export interface Forecast {
  method: string;
  methodDescription: string;
  history: { from: string | null; to: string; days: number };
  backtest: { days: number; mapePct: number | null; wapePct: number | null; zeroDaysExcluded: number } | null;
  interval: { level: number; basis: string };
  forecast: { date: string; revenueMinor: number; lowerMinor: number; upperMinor: number }[];
  meta: Meta;
}

type Band = 'high' | 'medium' | 'low';

export interface CellStats {
  visits: number;
  orders: number;
  revenueMinor: number;
  revenueBand: Band;
  visitBand: Band;
}

export interface Heatmap {
  range: DateRange;
  precision: number;
  cells: {
    type: 'FeatureCollection';
    features: {
      type: 'Feature';
      id: string;
      geometry: { type: 'Polygon'; coordinates: number[][][] };
      properties: CellStats & { geohash: string };
    }[];
  };
  territories: {
    type: 'FeatureCollection';
    features: {
      type: 'Feature';
      id: string;
      geometry:
        | { type: 'Polygon'; coordinates: number[][][] }
        | { type: 'MultiPolygon'; coordinates: number[][][][] }
        | null;
      properties: CellStats & { territoryId: string | null; name: string };
    }[];
  };
  coverageGaps: {
    gapDays: number;
    total: number;
    type: 'FeatureCollection';
    features: {
      type: 'Feature';
      id: string;
      geometry: { type: 'Point'; coordinates: [number, number] } | null;
      properties: {
        customerId: string;
        name: string;
        salesmanId: string | null;
        territoryId: string | null;
        lastVisitAt: string | null;
        daysSinceVisit: number | null;
      };
    }[];
  };
  meta: Meta;
}
