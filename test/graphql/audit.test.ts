import { exports } from 'cloudflare:workers';
import { beforeAll } from 'vitest';
import { createTenant } from '../helpers/factories';
import { describeGraphQLAudits } from '../helpers/graphql-audit';

/**
 * The GraphQL-over-HTTP conformance audits shipped by graphql-http, run against /graphql in-process with
 * a valid token. The same audits run against the built bundle in test/bundle/graphql.test.ts.
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

describeGraphQLAudits('in-process', 'https://fieldline.test/graphql', fetchFn, {});
