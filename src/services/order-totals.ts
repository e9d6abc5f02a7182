import { AppError, ErrorCode } from '../lib/errors';

/**
 * Order money math, in integer minor units only. Products of quantity × price × basis points can pass
 * 2^53, so the arithmetic is done in BigInt and only the (range-checked) results become numbers.
 *
 * Rounding is half-even ("banker's rounding"): a line landing exactly on half a minor unit goes to the
 * even neighbour, so ties do not drift revenue up (or down) across many lines. 4.5 → 4, 13.5 → 14.
 */
export interface PricedLine {
  quantity: number;
  unitPriceMinor: number;
  /** Discount in basis points, 0..10000 (1 bps = 0.01 %). */
  discountBps: number;
}

export interface OrderTotals {
  /** Σ quantity × unit price, before discounts. */
  subtotalMinor: number;
  /** subtotal − total: what the line discounts took off, after rounding each line. */
  discountMinor: number;
  /** Σ line totals. */
  totalMinor: number;
  /** Each line's rounded total, in input order. */
  lineTotalsMinor: number[];
}

const BPS = 10_000n;

/** Divides a non-negative numerator by a positive denominator, rounding ties to even. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return quotient % 2n === 0n ? quotient : quotient + 1n;
}

function lineTotalBig(line: PricedLine): bigint {
  return divideHalfEven(BigInt(line.quantity) * BigInt(line.unitPriceMinor) * (BPS - BigInt(line.discountBps)), BPS);
}

/** round_half_even(quantity × unitPrice × (10000 − discountBps) / 10000). */
export const lineTotalMinor = (line: PricedLine): number => toSafeNumber(lineTotalBig(line));

export function orderTotals(lines: readonly PricedLine[]): OrderTotals {
  let subtotal = 0n;
  let total = 0n;
  const lineTotalsMinor: number[] = [];
  for (const line of lines) {
    subtotal += BigInt(line.quantity) * BigInt(line.unitPriceMinor);
    const lineTotal = lineTotalBig(line);
    total += lineTotal;
    lineTotalsMinor.push(toSafeNumber(lineTotal));
  }
  return {
    subtotalMinor: toSafeNumber(subtotal),
    discountMinor: toSafeNumber(subtotal - total),
    totalMinor: toSafeNumber(total),
    lineTotalsMinor,
  };
}

/** A percentage with at most two decimals (12.5 → 1250 bps). Float noise (0.07 * 100) is rounded away. */
export const percentToBps = (percent: number): number => Math.round(percent * 100);

/** True when `percent` has at most two decimals, allowing for binary floating-point representation. */
export const hasAtMostTwoDecimals = (percent: number): boolean =>
  Math.abs(percent * 100 - Math.round(percent * 100)) < 1e-6;

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The order total is too large to be represented');
  }
  return Number(value);
}
