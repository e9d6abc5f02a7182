#!/usr/bin/env node
/**
 * Moves test files from the untyped test client to the typed one (README, Contributing):
 *
 *   node scripts/typed-test-calls.mjs test/integration/orders.test.ts [more files…]
 *
 * Each call `api('METHOD', path, body?, { token }?)` whose path matches an operation of docs/openapi.json
 * that answers JSON becomes `answered(rest(token).METHOD('/v1/…/{id}', { params, body }))`, which keeps
 * the answer's shape (status, headers, body). Path segments and query values become typed parameters.
 * Then the type checker has its say: a call it rejects (a test sending a field the API does not have on
 * purpose, or reading one it does not answer) is put back as it was, so what is left compiles. Calls
 * with headers, a raw body or an explicit type argument are left alone; so is everything a typed client
 * cannot express (unknown paths, computed query strings).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const document = JSON.parse(readFileSync(join(root, 'docs', 'openapi.json'), 'utf8'));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const SEPARATOR = Symbol('separator');
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);

/** The operations: method, path template split in segments, parameters' types, whether they answer JSON. */
const operations = [];
for (const [path, item] of Object.entries(document.paths)) {
  for (const method of METHODS) {
    const op = item[method];
    if (!op) continue;
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolveRef(p));
    const success = Object.entries(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
    const json = success.every(([, r]) => {
      const content = Object.keys(resolveRef(r).content ?? {});
      // An answer that may also come as CSV or PDF stays with the untyped client (it reads text).
      return content.every((c) => c.includes('json'));
    });
    operations.push({ method, path, segments: path.split('/'), params, json });
  }
}

function resolveRef(node) {
  let n = node;
  while (n?.$ref)
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((o, k) => o[k], document);
  return n;
}

const files = process.argv.slice(2).map((f) => resolve(f));
if (files.length === 0) {
  console.error('usage: node scripts/typed-test-calls.mjs <test file>…');
  process.exit(2);
}

// Every file converted at once, then the type checker run over the project until it has nothing left
// to say about a converted call (each run takes a while, so the files share it).
const jobs = files.map((file) => ({ file, original: readFileSync(file, 'utf8') })).map(planEdits);
for (let round = 0; round < 8; round++) {
  for (const job of jobs)
    writeFileSync(job.file, job.kept.length ? withImports(apply(job.original, job.kept), job.file) : job.original);
  const errors = typeErrors();
  let rejectedAny = false;
  for (const job of jobs) {
    const offsets = errors.get(relative(root, job.file)) ?? [];
    if (offsets.length === 0) continue;
    const written = readFileSync(job.file, 'utf8');
    const shift = written.length - apply(job.original, job.kept).length; // import lines at the top
    const rejected = new Set();
    for (const offset of offsets) {
      const at = offset - shift;
      let delta = 0;
      for (const edit of [...job.kept].sort((a, b) => a.start - b.start)) {
        const start = edit.start + delta;
        if (at >= start && at <= start + edit.text.length) rejected.add(edit);
        delta += edit.text.length - (edit.end - edit.start);
      }
    }
    // Errors outside any converted call (an unused import, a type read further down): give the file up.
    if (rejected.size === 0) job.kept = [];
    else job.kept = job.kept.filter((e) => !rejected.has(e));
    rejectedAny = true;
  }
  if (!rejectedAny) break;
}
// What the checker still rejects after the last round is put back as it was.
const remaining = typeErrors();
for (const job of jobs) {
  if ((remaining.get(relative(root, job.file)) ?? []).length > 0) {
    writeFileSync(job.file, job.original);
    job.kept = [];
  }
}
for (const job of jobs) {
  const name = relative(root, job.file);
  console.log(
    job.edits.length ? `${name}: ${job.kept.length} of ${job.edits.length} calls typed` : `${name}: nothing to convert`,
  );
}

function planEdits(job) {
  const source = ts.createSourceFile(job.file, job.original, ts.ScriptTarget.Latest, true);
  const edits = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'api') {
      const replacement = typedCall(node, source);
      if (replacement) edits.push({ start: node.getStart(source), end: node.getEnd(), text: replacement });
      else ts.forEachChild(node, visit);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { ...job, edits, kept: edits };
}

function apply(text, edits) {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Adds the typed client's import; drops the untyped one when no call is left. */
function withImports(text, file) {
  const helpers = relative(dirname(file), join(root, 'test', 'helpers', 'rest')).replace(/^(?!\.)/, './');
  let out = text;
  const restImport = new RegExp(`import \\{([^}]*)\\} from '${helpers.replace(/[.]/g, '\\.')}';`);
  const wanted = ['answered', 'rest'];
  const existing = restImport.exec(out);
  if (existing) {
    const names = new Set(
      existing[1]
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    );
    for (const n of wanted) names.add(n);
    out = out.replace(restImport, `import { ${[...names].sort().join(', ')} } from '${helpers}';`);
  } else {
    const apiImport = /import \{ api \} from '([^']*helpers\/api)';\n/;
    const line = `import { answered, rest } from '${helpers}';\n`;
    out = apiImport.test(out) ? out.replace(apiImport, (m) => `${m}${line}`) : line + out;
  }
  if (!/\bapi(<[^>]*>)?\(/.test(out.replace(/import[^\n]*\n/g, ''))) {
    out = out.replace(/import \{ api \} from '[^']*helpers\/api';\n/, '');
  }
  return out;
}

/** The type checker's errors over the project: offsets in each file, by path from the root. */
function typeErrors() {
  let output = '';
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', root], { encoding: 'utf8' });
  } catch (err) {
    output = `${err.stdout ?? ''}`;
  }
  const byFile = new Map();
  for (const match of output.matchAll(/^(.+?)\((\d+),(\d+)\): error/gm)) {
    const [, name, line, column] = match;
    if (!byFile.has(name)) byFile.set(name, []);
    byFile.get(name).push([Number(line), Number(column)]);
  }
  const offsets = new Map();
  for (const [name, positions] of byFile) {
    const text = readFileSync(join(root, name), 'utf8');
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
    offsets.set(
      name,
      positions.map(([line, column]) => lineStarts[line - 1] + column - 1),
    );
  }
  return offsets;
}

/** The typed call for `api(…)`, or null when it cannot be expressed. */
function typedCall(call, source) {
  if (call.typeArguments?.length) return null;
  const [methodArg, pathArg, bodyArg, optionsArg, ...more] = call.arguments;
  if (more.length || !methodArg || !pathArg || !ts.isStringLiteral(methodArg)) return null;
  const method = methodArg.text.toLowerCase();
  if (!METHODS.includes(method)) return null;

  const parts = pathParts(pathArg, source);
  if (!parts) return null;
  const [pathname, query] = splitQuery(parts);
  if (!pathname || query === null) return null;
  const op = match(method, pathname);
  if (!op?.json) return null;

  let token = '';
  if (optionsArg) {
    if (!ts.isObjectLiteralExpression(optionsArg)) return null;
    for (const p of optionsArg.properties) {
      if (ts.isPropertyAssignment(p) && p.name.getText(source) === 'token') token = p.initializer.getText(source);
      else if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'token') token = 'token';
      else return null;
    }
  }

  const pathParams = [];
  op.segments.forEach((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) pathParams.push(`${key(name)}: ${literalOf(pathname[i], 'string')}`);
  });
  const queryParams = [];
  for (const [name, value] of query) {
    const param = op.params.find((p) => p.in === 'query' && p.name === name);
    if (!param) return null;
    const type = resolveRef(param.schema)?.type ?? 'string';
    queryParams.push(`${key(name)}: ${literalOf(value, type)}`);
  }
  const init = [];
  const params = [];
  if (pathParams.length) params.push(`path: { ${pathParams.join(', ')} }`);
  if (queryParams.length) params.push(`query: { ${queryParams.join(', ')} }`);
  if (params.length) init.push(`params: { ${params.join(', ')} }`);
  const hasBody = bodyArg && !(ts.isIdentifier(bodyArg) && bodyArg.text === 'undefined');
  if (hasBody) init.push(`body: ${bodyArg.getText(source)}`);
  const args = init.length ? `, { ${init.join(', ')} }` : '';
  return `answered(rest(${token}).${method.toUpperCase()}('${op.path}'${args}))`;
}

/** A literal value as TypeScript of `type`, or an interpolated expression as it is. */
function literalOf(part, type) {
  if (part.expr !== undefined) {
    // The typed client encodes values itself.
    const expr = /^encodeURIComponent\((.+)\)$/s.exec(part.expr)?.[1] ?? part.expr;
    return type === 'string' ? expr : `Number(${expr})`;
  }
  const text = decodeURIComponent(part.text);
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return text;
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text;
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The path as a list of pieces: `{ text }` for literal text, `{ expr }` for an interpolation. Null for
 * anything but a string or template literal.
 */
function pathParts(node, source) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [{ text: node.text }];
  if (!ts.isTemplateExpression(node)) return null;
  const parts = [{ text: node.head.text }];
  for (const span of node.templateSpans) {
    parts.push({ expr: span.expression.getText(source) });
    parts.push({ text: span.literal.text });
  }
  return parts.filter((p) => p.expr !== undefined || p.text !== '');
}

/**
 * Splits the pieces into path segments (each one piece: literal text or one interpolation) and query
 * pairs. Null segments or query when a piece straddles a boundary the typed client cannot express.
 */
function splitQuery(parts) {
  const segments = [];
  const query = [];
  let inQuery = false;
  let current = null;
  let pair = null;
  const pushSegment = () => {
    if (current !== null) segments.push(current);
    current = null;
  };
  for (const part of parts) {
    if (part.expr !== undefined) {
      if (inQuery) {
        if (!pair || pair.value !== null || pair.name === '') return [null, null];
        pair.value = { expr: part.expr };
      } else {
        if (current !== null) return [null, null];
        current = { expr: part.expr };
      }
      continue;
    }
    for (const ch of part.text) {
      if (!inQuery && ch === '?') {
        pushSegment();
        inQuery = true;
        pair = { name: '', value: null, raw: '' };
      } else if (!inQuery && ch === '/') {
        pushSegment();
        current = null;
        segments.push(SEPARATOR);
      } else if (!inQuery) {
        if (current?.expr !== undefined) return [null, null];
        current = { text: (current?.text ?? '') + ch };
      } else if (ch === '&') {
        if (!finishPair(pair, query)) return [null, null];
        pair = { name: '', value: null, raw: '' };
      } else if (ch === '=' && pair.value === null && !pair.eq) {
        pair.eq = true;
      } else if (!pair.eq) {
        pair.name += ch;
      } else {
        if (pair.value?.expr !== undefined) return [null, null];
        pair.value = { text: (pair.value?.text ?? '') + ch };
      }
    }
  }
  if (!inQuery) pushSegment();
  else if (!finishPair(pair, query)) return [null, null];
  // Segments between separators: ['', 'v1', 'customers', piece]
  const out = [];
  let buffer = null;
  for (const s of segments) {
    if (s === SEPARATOR) {
      out.push(buffer ?? { text: '' });
      buffer = null;
    } else buffer = s;
  }
  out.push(buffer ?? { text: '' });
  return [out, query];
}

function finishPair(pair, query) {
  if (!pair || pair.name === '') return pair?.eq !== true;
  if (!pair.eq) return false;
  query.push([decodeURIComponent(pair.name), pair.value ?? { text: '' }]);
  return true;
}

/** The operation whose template matches the pieces, literal segments first. */
function match(method, pathname) {
  let best = null;
  let bestScore = -1;
  for (const op of operations) {
    if (op.method !== method || op.segments.length !== pathname.length) continue;
    let score = 0;
    let ok = true;
    op.segments.forEach((segment, i) => {
      const piece = pathname[i];
      if (/^\{.+\}$/.test(segment)) return;
      if (piece.text === segment) score++;
      else ok = false;
    });
    if (ok && score > bestScore) {
      best = op;
      bestScore = score;
    }
  }
  return best;
}
