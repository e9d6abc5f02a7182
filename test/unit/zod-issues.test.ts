import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues } from '../../src/lib/zod-issues';

describe('formatIssues', () => {
  const schema = z.object({ name: z.string().min(1), lines: z.array(z.object({ quantity: z.number().int() })) });
  const issues = schema.safeParse({ name: '', lines: [{ quantity: 1.5 }] }).error?.issues ?? [];

  it('gives one dotted path per issue, starting at the prefix, and a one-line detail', () => {
    const { errors, detail } = formatIssues(issues, 'body');
    expect(errors.map((e) => e.path)).toEqual(['body.name', 'body.lines.0.quantity']);
    expect(detail).toBe(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  });

  it('leaves the path empty for an issue about the whole value without a prefix', () => {
    const whole = z.string().safeParse(1).error?.issues ?? [];
    const { errors, detail } = formatIssues(whole);
    expect(errors).toEqual([{ path: '', message: whole[0]?.message }]);
    expect(detail).toBe(whole[0]?.message);
    expect(formatIssues(whole, 'input').detail).toBe(`input: ${whole[0]?.message}`);
  });
});
