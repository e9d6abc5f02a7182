import { serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';

/** An audit expected to fail, by graphql-http audit id, with the reason it does. */
export type KnownAuditFailures = Readonly<Record<string, string>>;

/**
 * Declares one test per graphql-http GraphQL-over-HTTP audit against `url`. Every MUST audit must pass;
 * a SHOULD or MAY audit may only fail when it is named in `knownFailures`, and a named one must still
 * fail (a list that outlives its defect fails the run, so it is emptied as soon as the fix lands).
 */
export function describeGraphQLAudits(
  label: string,
  url: string,
  fetchFn: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>,
  knownFailures: KnownAuditFailures,
) {
  describe(`GraphQL over HTTP audit (graphql-http serverAudits): ${label}`, () => {
    const audits = serverAudits({ url, fetchFn });
    const levelOf = (name: string) => name.split(' ')[0];

    it('lists as known failures only SHOULD or MAY audits that exist', () => {
      const byId = new Map(audits.map((a) => [a.id, a.name]));
      for (const id of Object.keys(knownFailures)) {
        const name = byId.get(id);
        expect(name, `known failure ${id} is not a graphql-http audit`).toBeDefined();
        expect(levelOf(name ?? ''), `${id} is a MUST audit: it cannot be a known failure`).not.toBe('MUST');
      }
      expect(audits.filter((a) => levelOf(a.name) === 'MUST').length).toBeGreaterThan(0);
    });

    for (const audit of audits) {
      const known = knownFailures[audit.id];
      it(`${audit.id} ${audit.name}${known ? ' (known failure)' : ''}`, async () => {
        const result = await audit.fn();
        const outcome = result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`;
        if (known) {
          expect(outcome, `${audit.id} passes now: remove it from the known failures (${known})`).not.toBe('ok');
        } else {
          expect(outcome).toBe('ok');
        }
      });
    }
  });
}
