import { describe, expect, it } from 'vitest';
import {
  divideHalfEven,
  hasAtMostTwoDecimals,
  lineTotalMinor,
  orderTotals,
  percentToBps,
} from '../../src/services/order-totals';

describe('order totals', () => {
  it('multiplies quantity by unit price when there is no discount', () => {
    expect(lineTotalMinor({ quantity: 3, unitPriceMinor: 1999, discountBps: 0 })).toBe(5997);
  });

  it('applies a discount in basis points', () => {
    // 2 × 333 = 666; 666 × 0.875 = 582.75 → 583
    expect(lineTotalMinor({ quantity: 2, unitPriceMinor: 333, discountBps: 1250 })).toBe(583);
    // 1 × 7 × 0.9 = 6.3 → 6
    expect(lineTotalMinor({ quantity: 1, unitPriceMinor: 7, discountBps: 1000 })).toBe(6);
    // 1 × 1 × 0.6667 → 1
    expect(lineTotalMinor({ quantity: 1, unitPriceMinor: 1, discountBps: 3333 })).toBe(1);
    expect(lineTotalMinor({ quantity: 4, unitPriceMinor: 250, discountBps: 10_000 })).toBe(0);
  });

  it('rounds exact halves to the even neighbour', () => {
    // 5 × 0.9 = 4.5 → 4; 15 × 0.9 = 13.5 → 14; 9 × 0.5 = 4.5 → 4; 11 × 0.5 = 5.5 → 6
    expect(lineTotalMinor({ quantity: 1, unitPriceMinor: 5, discountBps: 1000 })).toBe(4);
    expect(lineTotalMinor({ quantity: 1, unitPriceMinor: 15, discountBps: 1000 })).toBe(14);
    expect(lineTotalMinor({ quantity: 1, unitPriceMinor: 9, discountBps: 5000 })).toBe(4);
    expect(lineTotalMinor({ quantity: 1, unitPriceMinor: 11, discountBps: 5000 })).toBe(6);
    expect(divideHalfEven(25n, 10n)).toBe(2n);
    expect(divideHalfEven(35n, 10n)).toBe(4n);
    expect(divideHalfEven(26n, 10n)).toBe(3n);
    expect(divideHalfEven(24n, 10n)).toBe(2n);
  });

  it('sums an order: subtotal before discounts, discount = subtotal − total', () => {
    const totals = orderTotals([
      { quantity: 3, unitPriceMinor: 1999, discountBps: 0 }, // 5997 → 5997
      { quantity: 2, unitPriceMinor: 333, discountBps: 1250 }, // 666 → 583
      { quantity: 1, unitPriceMinor: 5, discountBps: 1000 }, // 5 → 4
    ]);
    expect(totals).toEqual({
      subtotalMinor: 6668,
      discountMinor: 84,
      totalMinor: 6584,
      lineTotalsMinor: [5997, 583, 4],
    });
  });

  it('stays exact where floating point would not', () => {
    // 99999 × 90071992547 = 9007109182707453 (odd); half of it is …726.5, a tie → even …726.
    // As doubles, the intermediate 9007109182707453 × 5000 loses the last digit.
    expect(lineTotalMinor({ quantity: 99_999, unitPriceMinor: 90_071_992_547, discountBps: 5000 })).toBe(
      4_503_554_591_353_726,
    );
  });

  it('refuses totals beyond the safe integer range', () => {
    expect(() => orderTotals([{ quantity: 100_000, unitPriceMinor: 100_000_000_000, discountBps: 0 }])).toThrow(
      /too large/,
    );
  });

  it('converts percentages with up to two decimals to basis points', () => {
    expect(percentToBps(12.5)).toBe(1250);
    expect(percentToBps(0.07)).toBe(7);
    expect(percentToBps(33.33)).toBe(3333);
    expect(percentToBps(100)).toBe(10_000);
    expect(hasAtMostTwoDecimals(19.99)).toBe(true);
    expect(hasAtMostTwoDecimals(0.07)).toBe(true);
    expect(hasAtMostTwoDecimals(12.345)).toBe(false);
  });
});
