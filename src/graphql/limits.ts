/**
 * What one GraphQL request may ask for (docs/graphql.md, Limits). The cheap checks (tokens, aliases,
 * directives, depth) run while the document is parsed and validated, before anything touches D1; cost
 * is computed from the query shape and `first` arguments before the first resolver runs.
 */
export const LIMITS = {
  /** Lexer tokens in one document: stops huge queries before they are even parsed. */
  tokens: 2000,
  /** Nesting of selections (`orders.edges.node.lines.product.name` is 6). */
  depth: 10,
  /** Aliased fields in one document (the classic batching amplifier). */
  aliases: 15,
  /** Directives in one document. */
  directives: 20,
  /** Estimated cost: 1 per field, times `first` (or 10 for lists) for what a list selects. */
  complexity: 5000,
  /** Selected fields in total. */
  breadth: 300,
  /** Largest `first` on a connection (REST's `limit` stops at 200 too). */
  pageSize: 200,
  /** Default `first` when a connection is asked without one. */
  defaultPageSize: 20,
  /** Search results stop at the best matches (GET /v1/search `limit` ≤ 100). */
  searchWindow: 100,
  /** Request bodies, as for REST. */
  bodyBytes: 1_048_576,
} as const;
