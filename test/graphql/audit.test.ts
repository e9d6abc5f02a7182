import { exports } from 'cloudflare:workers';
import { serverAudits } from 'graphql-http';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../helpers/factories';

/**
 * The GraphQL-over-HTTP conformance audits shipped by graphql-http, run against /graphql in-process
 * with a valid token. Every audit is asserted, MAY ones included (`notice` would show up as a failure).
 */
let token = '';
beforeAll(async () => {
  token = (await createTenant()).token;
});

const fetchFn = (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  request.headers.set('authorization', `Bearer ${token}`);
  return exports.default.fetch(request);
};

describe('GraphQL over HTTP audit (graphql-http serverAudits)', () => {
  const audits = serverAudits({ url: 'https://fieldline.test/graphql', fetchFn });

  it('runs the full suite (61 audits in graphql-http 1.23.1)', () => {
    expect(audits.length).toBeGreaterThanOrEqual(61);
  });

  for (const audit of audits) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
