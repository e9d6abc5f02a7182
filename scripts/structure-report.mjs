#!/usr/bin/env node
/**
 * Measures the shape of the Worker's code (src/), so structural changes can be compared before and after:
 *
 *   node scripts/structure-report.mjs            # table
 *   node scripts/structure-report.mjs --json     # machine-readable
 *
 * What it counts, and how:
 * - file sizes: lines of every .ts file under src/ (largest, median);
 * - places that build a service context: object literals whose contextual type is `ServiceContext`
 *   (found with the TypeScript type checker, so a literal passed, returned or assigned counts alike);
 * - places that hand events to the tenant hub: calls of the hub's delivery RPCs (`nudge`, `publish`)
 *   and of the `nudgeHub` helper, outside the write pipeline (src/services/context.ts, write-pipeline.ts);
 * - raw driver SQL outside src/db/: uses of the D1 binding itself (`$client`, `env.DB.prepare/batch/exec`);
 * - `as never` casts;
 * - import cycles, counted by dependency-cruiser with the project's configuration;
 * - in test/: calls of the untyped test client (`api(…)`, test/helpers/api.ts) and of the typed one
 *   (`rest(…)`, test/helpers/rest.ts, generated from the OpenAPI document).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const PIPELINE_MODULES = new Set(['src/services/context.ts', 'src/services/write-pipeline.ts']);

const files = walk(join(root, 'src')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
const rel = (f) => relative(root, f);

const sizes = files.map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length }));
sizes.sort((a, b) => b.lines - a.lines);
const sorted = sizes.map((s) => s.lines).sort((a, b) => a - b);
const median =
  sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;

const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
const program = ts.createProgram({ rootNames: files, options: parsed.options });
const checker = program.getTypeChecker();

const contextSites = [];
const hubSites = [];
const rawSql = [];
const asNever = [];
const HUB_CALLS = new Set(['nudge', 'nudgeHub', 'publish']);

for (const file of files) {
  const source = program.getSourceFile(file);
  if (!source) continue;
  const where = (node) => `${rel(file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node) => {
    if (ts.isObjectLiteralExpression(node)) {
      const type = checker.getContextualType(node);
      const name = type?.aliasSymbol?.name ?? type?.getSymbol()?.name;
      const keys = new Set(node.properties.map((p) => p.name?.getText(source)));
      // Typed as ServiceContext where it is written, or shaped like one (database, caller and clock).
      if (name === 'ServiceContext' || (keys.has('principal') && keys.has('now') && keys.has('db'))) {
        contextSites.push(where(node));
      }
    }
    if (ts.isCallExpression(node) && !PIPELINE_MODULES.has(rel(file))) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : '';
      if (HUB_CALLS.has(name) && isHubCall(callee)) hubSites.push(where(node));
    }
    if (ts.isPropertyAccessExpression(node) && !rel(file).startsWith('src/db/')) {
      const text = node.getText(source);
      if (node.name.text === '$client' || /^(c\.)?env\.DB\.(prepare|batch|exec)$/.test(text)) rawSql.push(where(node));
    }
    if (ts.isAsExpression(node) && node.type.kind === ts.SyntaxKind.NeverKeyword) asNever.push(where(node));
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** A call whose target is declared on the tenant hub (its RPC stub or class) or is the nudge helper. */
function isHubCall(callee) {
  if (ts.isIdentifier(callee)) return callee.text === 'nudgeHub';
  const receiver = checker.getTypeAtLocation(callee.expression);
  const text = checker.typeToString(receiver);
  return /TenantHub|DurableObjectStub|HubStub/.test(text);
}

const cycles = countCycles();

// The two clients' own modules are not calls of them.
const CLIENT_MODULES = new Set(['test/helpers/api.ts', 'test/helpers/rest.ts']);
const testFiles = walk(join(root, 'test')).filter((f) => f.endsWith('.ts') && !CLIENT_MODULES.has(rel(f)));
const countIn = (pattern) => testFiles.reduce((n, f) => n + (readFileSync(f, 'utf8').match(pattern) ?? []).length, 0);
const testCalls = { untyped: countIn(/\bapi(<[^>]*>)?\(/g), typed: countIn(/\brest\(/g) };

const report = {
  files: files.length,
  largestFile: sizes[0],
  medianFileLines: median,
  filesOver300Lines: sizes.filter((s) => s.lines > 300).map((s) => `${s.file} (${s.lines})`),
  contextBuildSites: contextSites,
  hubHandOffSites: hubSites,
  rawDriverSqlOutsideDb: rawSql,
  asNever,
  importCycles: cycles,
  testApiCalls: testCalls,
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const rows = [
    ['source files (src/**/*.ts)', report.files],
    ['largest file', `${report.largestFile.file} (${report.largestFile.lines} lines)`],
    ['median file size', `${report.medianFileLines} lines`],
    ['files over 300 lines', report.filesOver300Lines.length],
    ['places that build a ServiceContext', contextSites.length],
    ['places that hand events to the hub (outside the pipeline)', hubSites.length],
    ['raw driver SQL call sites outside src/db/', rawSql.length],
    ['`as never` casts', asNever.length],
    ['import cycles', cycles.length],
    ['test API calls: untyped api() / typed rest()', `${testCalls.untyped} / ${testCalls.typed}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  const detail = [
    ['files over 300 lines', report.filesOver300Lines],
    ['ServiceContext built at', contextSites],
    ['hub hand-offs at', hubSites],
    ['raw driver SQL at', rawSql],
    ['as never at', asNever],
    ['cycles', cycles],
  ];
  for (const [title, list] of detail) if (list.length) console.log(`\n${title}:\n  ${list.join('\n  ')}`);
}

function countCycles() {
  const out = execFileSync(
    join(root, 'node_modules/.bin/depcruise'),
    ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const result = JSON.parse(out);
  const seen = new Set();
  const cycles = [];
  for (const v of result.summary.violations) {
    if (v.rule.name !== 'no-circular') continue;
    const path = [v.from, ...(v.cycle ?? []).map((c) => (typeof c === 'string' ? c : c.name))];
    const key = [...new Set(path)].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    cycles.push(path.join(' → '));
  }
  return cycles;
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
