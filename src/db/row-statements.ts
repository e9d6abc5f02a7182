import { and, eq, getTableColumns, getTableName, is, Param, Placeholder, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db, Statement } from './client';
import { compileStatement } from './unit-result';

/**
 * The two writes every entity makes, inserting a row and updating one by (tenant, id, version), with
 * their SQL built by drizzle once per table and set of columns rather than on every write.
 *
 * Building a statement is most of a small write's CPU: drizzle walks its query tree for every column
 * (about 0.1 ms for a visit's 24), and a sync push writes thousands. Here the statement is built once
 * with a placeholder per value, and each write only fills the placeholders, encoding each value the way
 * its column does (drizzle's own prepared-statement path). The SQL is the one drizzle would write.
 */

/** A statement already compiled: what the unit runners read from drizzle's builders (`getQuery`). */
interface CompiledStatement {
  getQuery(): { sql: string; params: unknown[] };
}

/** Where each bound value comes from: a placeholder's value (encoded by its column), or a constant. */
type Filler = { name: string; encoder: { mapToDriverValue(value: unknown): unknown } | null } | { constant: unknown };

interface Template {
  sql: string;
  fillers: Filler[];
}

const templates = new WeakMap<object, Map<string, Template>>();
const MAX_SHAPES = 256;

function compileTemplate(statement: unknown): Template {
  const { sql: text, params } = compileStatement(statement);
  const fillers = params.map((p): Filler => {
    if (is(p, Placeholder)) return { name: p.name, encoder: null };
    if (is(p, Param) && is(p.value, Placeholder)) return { name: p.value.name, encoder: p.encoder };
    return { constant: p };
  });
  return { sql: text, fillers };
}

/**
 * The statement `build` makes (with `sql.placeholder(name)` where each value goes), compiled once per
 * `owner` (a table) and `shape` (what makes the SQL differ), with `values` bound by name.
 */
export function templated(
  owner: object,
  shape: string,
  build: () => unknown,
  values: Record<string, unknown>,
): Statement {
  let byShape = templates.get(owner);
  if (!byShape) {
    byShape = new Map();
    templates.set(owner, byShape);
  }
  let template = byShape.get(shape);
  if (!template) {
    template = compileTemplate(build());
    // Shapes come from code paths (which fields an update sets); a bound keeps odd inputs from growing it.
    if (byShape.size < MAX_SHAPES) byShape.set(shape, template);
  }
  const params = template.fillers.map((f) => {
    if ('constant' in f) return f.constant;
    if (!(f.name in values)) throw new Error(`No value for placeholder "${f.name}"`);
    const value = values[f.name];
    return f.encoder ? f.encoder.mapToDriverValue(value) : value;
  });
  const sqlText = template.sql;
  const statement: CompiledStatement = { getQuery: () => ({ sql: sqlText, params }) };
  return statement as unknown as Statement;
}

/**
 * A placeholder for `key`'s column, encoded as the column encodes its values (a boolean as 0/1, JSON as
 * text), as drizzle binds a value it is given directly.
 */
export function placeholderFor(table: SQLiteTable, key: string, name: string): SQL {
  const column = getTableColumns(table)[key];
  if (!column) throw new Error(`${getTableName(table)} has no column ${key}`);
  return sql`${sql.param(sql.placeholder(name), column)}`;
}

/** The columns given a value (drizzle leaves out an undefined one, so the statement does too). */
const definedKeys = (row: Record<string, unknown>) => Object.keys(row).filter((k) => row[k] !== undefined);

/**
 * `INSERT INTO table (…) VALUES (…), (…)` of `rows`. Rows that leave different columns out (the
 * database's default then applies to some rows only) go through drizzle's builder as they are.
 */
export function insertRows(db: Db, table: SQLiteTable, inserted: readonly object[]): Statement {
  const rows = inserted as readonly Record<string, unknown>[];
  const first = rows[0];
  if (!first) throw new Error(`No rows to insert into ${getTableName(table)}`);
  const keys = definedKeys(first);
  const shape = keys.join(',');
  if (rows.some((row) => definedKeys(row).join(',') !== shape)) return db.insert(table).values(rows);
  const values: Record<string, unknown> = {};
  rows.forEach((row, i) => {
    for (const k of keys) values[`${i}.${k}`] = row[k];
  });
  const build = () =>
    db
      .insert(table)
      .values(rows.map((_, i) => Object.fromEntries(keys.map((k) => [k, placeholderFor(table, k, `${i}.${k}`)]))));
  return templated(table, `insert ${rows.length} ${shape}`, build, values);
}

interface VersionedTable extends SQLiteTable {
  tenantId: SQLiteColumn;
  id: SQLiteColumn;
  version: SQLiteColumn;
}

/**
 * `UPDATE table SET … WHERE tenant_id = ? AND id = ? AND version = ?`: the row as read at `version`,
 * in the caller's tenant (a guard after it tells whether it still was).
 */
export function updateVersionedRow(
  db: Db,
  table: VersionedTable,
  row: { tenantId: string; id: string; version: number },
  changes: object,
): Statement {
  const set = changes as Record<string, unknown>;
  const keys = definedKeys(set);
  const build = () =>
    db
      .update(table)
      .set(Object.fromEntries(keys.map((k) => [k, placeholderFor(table, k, `set.${k}`)])))
      .where(
        and(
          eq(table.tenantId, sql.placeholder('where.tenantId')),
          eq(table.id, sql.placeholder('where.id')),
          eq(table.version, sql.placeholder('where.version')),
        ),
      );
  const values: Record<string, unknown> = {
    'where.tenantId': row.tenantId,
    'where.id': row.id,
    'where.version': row.version,
  };
  for (const k of keys) values[`set.${k}`] = set[k];
  return templated(table, `update ${keys.join(',')}`, build, values);
}
