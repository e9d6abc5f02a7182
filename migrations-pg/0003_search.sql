-- Search on Postgres: the index the built-in backend queries when DATABASE_URL is set and Meilisearch is not
-- configured (src/search/pg-backend.ts, its queries in src/search/pg-sql.ts; docs/search.md). Hand-written
-- (drizzle-kit generate --custom), the counterpart of migrations/0002_search.sql on D1: a tsvector document
-- per product and customer and the per-tenant vocabulary for typo correction, both kept by triggers inside
-- the write's own transaction. The trigger path and the rebuild (search_reindex) call the same functions.
--
-- btree_gin lets one GIN index hold the tenant next to the words, so a search intersects the tenant's
-- posting list with the words' inside the index instead of filtering every tenant's matches afterwards.
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
-- How text becomes words, as src/search/text.ts `tokenize` does for a query: lower case, compatibility
-- decomposition with the combining marks dropped (é → e, ﬁ → fi; the usual diacritic blocks), and every run
-- of characters that are not letters or digits (punctuation, symbols, whitespace) one space. `HX-1234` is
-- `hx 1234`, `anna@schmidt-backwaren.de` is `anna schmidt backwaren de`, `Müller` is `muller`.
CREATE FUNCTION search_normalize(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(
    regexp_replace(normalize(lower(body), NFKD), '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+', '', 'g'),
    '[^[:alnum:]]+', ' ', 'g'))
$$;
--> statement-breakpoint
-- One field's words as tsvector lexemes with the field's weight. The text is already split into plain
-- letter/digit words, which the `simple` configuration keeps as they are (no stemming, no stop words).
CREATE FUNCTION search_vector(body text, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('pg_catalog.simple'::regconfig, coalesce(search_normalize(body), '')), weight)
$$;
--> statement-breakpoint
-- The words of a record worth correcting typos towards: three letters or more, no digits (sizes and codes
-- are not typos), each once. The same rule as the FTS5 vocabulary.
CREATE FUNCTION search_vocabulary_words(body text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT DISTINCT w FROM unnest(string_to_array(search_normalize(body), ' ')) AS w
  WHERE char_length(w) >= 3 AND w !~ '[[:digit:]]'
$$;
--> statement-breakpoint
-- Weights A > B > C > D, ranked by ts_rank with {D, C, B, A} = {0.1, 0.15, 0.5, 1} for products and
-- {0.2, 0.4, 0.6, 1} for customers: the FTS5 column weights (name 10, sku 5, category 1.5, description 1;
-- name 10, company 6, email and phone 4, city 2) scaled to 1.
CREATE FUNCTION products_search_document(p products) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT search_vector(p.name, 'A') || search_vector(p.sku, 'B') || search_vector(p.category, 'C')
    || search_vector(p.description, 'D')
$$;
--> statement-breakpoint
CREATE FUNCTION customers_search_document(c customers) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT search_vector(c.name, 'A') || search_vector(c.company, 'B') || search_vector(c.email, 'C')
    || search_vector(c.phone, 'C') || search_vector(c.city, 'D')
$$;
--> statement-breakpoint
-- What people type and the vocabulary learns from: names and categories, not descriptions or codes.
CREATE FUNCTION products_search_vocabulary(p products) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT concat_ws(' ', p.name, p.category) $$;
--> statement-breakpoint
CREATE FUNCTION customers_search_vocabulary(c customers) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT concat_ws(' ', c.name, c.company, c.city) $$;
--> statement-breakpoint
-- One row per product: `document` is NULL while the product is soft-deleted. `doc_id` numbers records in the
-- order they entered the index (FTS5's rowid) and breaks ties between equal scores; an undelete keeps it.
CREATE TABLE products_search (
	tenant_id uuid NOT NULL,
	product_id uuid NOT NULL,
	doc_id bigint GENERATED ALWAYS AS IDENTITY,
	document tsvector,
	PRIMARY KEY (tenant_id, product_id),
	FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
--> statement-breakpoint
CREATE INDEX products_search_document_idx ON products_search USING gin (tenant_id, document);
--> statement-breakpoint
CREATE TABLE customers_search (
	tenant_id uuid NOT NULL,
	customer_id uuid NOT NULL,
	doc_id bigint GENERATED ALWAYS AS IDENTITY,
	document tsvector,
	PRIMARY KEY (tenant_id, customer_id),
	FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
--> statement-breakpoint
CREATE INDEX customers_search_document_idx ON customers_search USING gin (tenant_id, document);
--> statement-breakpoint
-- The per-tenant vocabulary (same name and columns as on D1): each word with the number of live records
-- containing it. A typo lookup reads the terms of a compatible length, ranked by trigram similarity
-- (pg_trgm), and src/search/text.ts decides with the exact Damerau-Levenshtein distance. `term` compares
-- bytewise, so a prefix is a range of the primary key.
CREATE TABLE search_terms (
	tenant_id uuid NOT NULL,
	entity text NOT NULL,
	term text COLLATE "C" NOT NULL,
	docs integer NOT NULL,
	PRIMARY KEY (tenant_id, entity, term)
);
--> statement-breakpoint
CREATE INDEX search_terms_length_idx ON search_terms (tenant_id, entity, char_length(term));
--> statement-breakpoint
-- Moves the vocabulary from a record's old words to its new ones (NULL: none, the record was absent or
-- deleted) in one statement, touching the terms in term order, so concurrent writers never deadlock on them.
CREATE FUNCTION search_terms_apply(tenant uuid, kind text, old_text text, new_text text) RETURNS void
LANGUAGE sql AS $$
  WITH old_words AS (SELECT search_vocabulary_words(old_text) AS term),
    new_words AS (SELECT search_vocabulary_words(new_text) AS term),
    delta AS (
      SELECT coalesce(n.term, o.term) AS term, (n.term IS NOT NULL)::int - (o.term IS NOT NULL)::int AS docs
      FROM new_words n FULL JOIN old_words o ON o.term = n.term
    )
  INSERT INTO search_terms AS t (tenant_id, entity, term, docs)
  SELECT tenant, kind, delta.term, delta.docs FROM delta WHERE delta.docs <> 0 ORDER BY delta.term
  ON CONFLICT (tenant_id, entity, term) DO UPDATE SET docs = t.docs + excluded.docs;
  DELETE FROM search_terms
  WHERE tenant_id = tenant AND entity = kind AND docs <= 0
    AND term IN (SELECT search_vocabulary_words(old_text));
$$;
--> statement-breakpoint
CREATE FUNCTION products_search_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_words text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
    old_words := products_search_vocabulary(OLD);
  END IF;
  IF TG_OP = 'DELETE' THEN
    -- The document goes with the product (foreign key, on delete cascade).
    PERFORM search_terms_apply(OLD.tenant_id, 'product', old_words, NULL);
    RETURN NULL;
  END IF;
  INSERT INTO products_search AS s (tenant_id, product_id, document)
  VALUES (NEW.tenant_id, NEW.id, CASE WHEN NEW.deleted_at IS NULL THEN products_search_document(NEW) END)
  ON CONFLICT (tenant_id, product_id) DO UPDATE SET document = excluded.document;
  PERFORM search_terms_apply(NEW.tenant_id, 'product', old_words,
    CASE WHEN NEW.deleted_at IS NULL THEN products_search_vocabulary(NEW) END);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION customers_search_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_words text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
    old_words := customers_search_vocabulary(OLD);
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM search_terms_apply(OLD.tenant_id, 'customer', old_words, NULL);
    RETURN NULL;
  END IF;
  INSERT INTO customers_search AS s (tenant_id, customer_id, document)
  VALUES (NEW.tenant_id, NEW.id, CASE WHEN NEW.deleted_at IS NULL THEN customers_search_document(NEW) END)
  ON CONFLICT (tenant_id, customer_id) DO UPDATE SET document = excluded.document;
  PERFORM search_terms_apply(NEW.tenant_id, 'customer', old_words,
    CASE WHEN NEW.deleted_at IS NULL THEN customers_search_vocabulary(NEW) END);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Insert, update of a searched field or of deleted_at (soft delete, undelete), and hard delete, as on D1.
CREATE TRIGGER products_search_insert AFTER INSERT ON products
FOR EACH ROW EXECUTE FUNCTION products_search_sync();
--> statement-breakpoint
CREATE TRIGGER products_search_update AFTER UPDATE ON products
FOR EACH ROW WHEN (
  OLD.name IS DISTINCT FROM NEW.name OR OLD.sku IS DISTINCT FROM NEW.sku
  OR OLD.description IS DISTINCT FROM NEW.description OR OLD.category IS DISTINCT FROM NEW.category
  OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
) EXECUTE FUNCTION products_search_sync();
--> statement-breakpoint
CREATE TRIGGER products_search_delete AFTER DELETE ON products
FOR EACH ROW EXECUTE FUNCTION products_search_sync();
--> statement-breakpoint
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers
FOR EACH ROW EXECUTE FUNCTION customers_search_sync();
--> statement-breakpoint
CREATE TRIGGER customers_search_update AFTER UPDATE ON customers
FOR EACH ROW WHEN (
  OLD.name IS DISTINCT FROM NEW.name OR OLD.company IS DISTINCT FROM NEW.company
  OR OLD.email IS DISTINCT FROM NEW.email OR OLD.phone IS DISTINCT FROM NEW.phone
  OR OLD.city IS DISTINCT FROM NEW.city OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
) EXECUTE FUNCTION customers_search_sync();
--> statement-breakpoint
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers
FOR EACH ROW EXECUTE FUNCTION customers_search_sync();
--> statement-breakpoint
-- POST /v1/search/reindex: rewrites a tenant's documents (keeping their doc_id) and rebuilds its vocabulary
-- from the tables, with the functions the triggers use; returns the live records indexed.
CREATE FUNCTION search_reindex(tenant uuid) RETURNS TABLE (indexed_products bigint, indexed_customers bigint)
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO products_search AS s (tenant_id, product_id, document)
  SELECT p.tenant_id, p.id, CASE WHEN p.deleted_at IS NULL THEN products_search_document(p) END
  FROM products p WHERE p.tenant_id = tenant ORDER BY p.created_at, p.id
  ON CONFLICT (tenant_id, product_id) DO UPDATE SET document = excluded.document;
  INSERT INTO customers_search AS s (tenant_id, customer_id, document)
  SELECT c.tenant_id, c.id, CASE WHEN c.deleted_at IS NULL THEN customers_search_document(c) END
  FROM customers c WHERE c.tenant_id = tenant ORDER BY c.created_at, c.id
  ON CONFLICT (tenant_id, customer_id) DO UPDATE SET document = excluded.document;
  DELETE FROM search_terms WHERE tenant_id = tenant;
  INSERT INTO search_terms (tenant_id, entity, term, docs)
  SELECT tenant, 'product', w.term, count(*)
  FROM products p CROSS JOIN LATERAL search_vocabulary_words(products_search_vocabulary(p)) AS w(term)
  WHERE p.tenant_id = tenant AND p.deleted_at IS NULL GROUP BY w.term;
  INSERT INTO search_terms (tenant_id, entity, term, docs)
  SELECT tenant, 'customer', w.term, count(*)
  FROM customers c CROSS JOIN LATERAL search_vocabulary_words(customers_search_vocabulary(c)) AS w(term)
  WHERE c.tenant_id = tenant AND c.deleted_at IS NULL GROUP BY w.term;
  RETURN QUERY SELECT
    (SELECT count(*) FROM products_search ps WHERE ps.tenant_id = tenant AND ps.document IS NOT NULL),
    (SELECT count(*) FROM customers_search cs WHERE cs.tenant_id = tenant AND cs.document IS NOT NULL);
END
$$;
--> statement-breakpoint
-- The records that exist already.
SELECT search_reindex(id) FROM tenants;
