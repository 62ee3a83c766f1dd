// Checks Elastic Common Schema documents (amtscope analyze --format ecs)
// against the ECS field definitions of the @elastic/ecs npm package
// (EcsFlat: every field with its Elasticsearch type, allowed values, and
// whether it holds arrays).
//   node ecs_check.js ECS_PACKAGE_DIR FILE...
// Every leaf outside amtscope.* must be an ECS field, of its type (keyword:
// string, long: integer, date: RFC 3339, ip: an address, ...), an array only
// where ECS normalizes to arrays, within the allowed values where ECS lists
// them (event.kind, event.category, event.type: each type expected for each
// category); amtscope.* holds no ECS field and each of its paths has one JSON
// type across all documents; no path is a value in one document and an
// object in another. Exit 1 on the first 50 problems, 0 when all is well.
'use strict';
const fs = require('fs');
const net = require('net');
const [pkgDir, ...files] = process.argv.slice(2);
const { EcsFlat, EcsVersion } = require(require.resolve('@elastic/ecs', { paths: [pkgDir] }));

const problems = [];
const problem = (msg) => { if (problems.length < 50) problems.push(msg); };
const leafType = new Map();   // path -> JSON type seen first (amtscope.*)
const leafAt = new Map();     // path -> where first seen as a value
const objAt = new Map();      // path -> where first seen as an object
const used = new Set();
let docs = 0, alerts = 0, events = 0;

const STRINGS = new Set(['keyword', 'constant_keyword', 'wildcard', 'text', 'match_only_text']);
const INTEGERS = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const FLOATS = new Set(['float', 'double', 'scaled_float', 'half_float']);

function typeOk(def, v) {
  const t = def.type;
  if (STRINGS.has(t)) return typeof v === 'string';
  if (INTEGERS.has(t)) return Number.isInteger(v);
  if (FLOATS.has(t)) return typeof v === 'number';
  if (t === 'boolean') return typeof v === 'boolean';
  if (t === 'date') return typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && !isNaN(Date.parse(v));
  if (t === 'ip') return typeof v === 'string' && net.isIP(v) !== 0;
  return false;  // object, flattened, nested, geo_point...: amtscope writes none of them
}

function jsonType(v) { return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v; }

function leaf(path, v, where) {
  if (!leafAt.has(path)) leafAt.set(path, where);
  const values = Array.isArray(v) ? v : [v];
  if (path.startsWith('amtscope.')) {
    for (const x of values) {
      const t = jsonType(x);
      if (!leafType.has(path)) leafType.set(path, [t, where]);
      else if (leafType.get(path)[0] !== t)
        problem(`${where}: ${path} is a ${t} here, a ${leafType.get(path)[0]} in ${leafType.get(path)[1]}`);
    }
    return;
  }
  const def = EcsFlat[path];
  if (!def) { problem(`${where}: ${path} is not an ECS field (and not under amtscope.*)`); return; }
  used.add(path);
  if (Array.isArray(v) && !(def.normalize || []).includes('array'))
    problem(`${where}: ${path} is an array; ECS keeps one value there`);
  for (const x of values) {
    if (!typeOk(def, x)) problem(`${where}: ${path} = ${JSON.stringify(x)} is not a valid ${def.type}`);
    if (def.allowed_values && !def.allowed_values.some((a) => a.name === x))
      problem(`${where}: ${path} = ${JSON.stringify(x)} is not among ECS's allowed values`);
  }
}

function walk(obj, prefix, where) {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix + k;
    if (k.includes('.')) problem(`${where}: member "${path}" has a dot: documents are nested`);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      if (!objAt.has(path)) objAt.set(path, where);
      walk(v, path + '.', where);
    } else if (Array.isArray(v) && v.length && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
      if (!path.startsWith('amtscope.')) problem(`${where}: ${path} is an array of objects outside amtscope.*`);
      if (!objAt.has(path)) objAt.set(path, where);
      for (const x of v) walk(x, path + '.', where);
    } else {
      leaf(path, v, where);
    }
  }
}

for (const ecsPath of Object.keys(EcsFlat))
  if (ecsPath === 'amtscope' || ecsPath.startsWith('amtscope.')) problem(`ECS itself has ${ecsPath}: pick another namespace`);

for (const file of files) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let doc;
    try { doc = JSON.parse(line); } catch (e) { problem(`${where}: not JSON: ${e.message}`); return; }
    docs++;
    for (const need of ['@timestamp', 'ecs', 'event', 'observer'])
      if (!(need in doc)) problem(`${where}: no ${need}`);
    const ev = doc.event || {};
    if (ev.kind === 'alert') {
      alerts++;
      for (const need of ['severity', 'dataset']) if (!(need in ev)) problem(`${where}: an alert without event.${need}`);
      if (!doc.rule || !doc.rule.id || !doc.rule.name) problem(`${where}: an alert without rule.id and rule.name`);
    } else if (ev.kind === 'event') {
      events++;
    } else {
      problem(`${where}: event.kind is ${JSON.stringify(ev.kind)}`);
    }
    // each event.type must be one ECS expects for each event.category
    const cats = EcsFlat['event.category'].allowed_values;
    for (const c of ev.category || []) {
      const def = cats.find((a) => a.name === c);
      for (const t of ev.type || [])
        if (def && def.expected_event_types && !def.expected_event_types.includes(t))
          problem(`${where}: event.type ${t} is not expected with event.category ${c}`);
    }
    walk(doc, '', where);
  });
}

for (const [path, where] of leafAt)
  if (objAt.has(path)) problem(`${path} is a value in ${where} and an object in ${objAt.get(path)}`);

console.log(`ECS ${EcsVersion}: ${docs} documents (${events} events, ${alerts} alerts), ` +
            `${used.size} ECS fields used, ${leafType.size} amtscope.* paths`);
if (docs < 1000) problem(`only ${docs} documents: the suite should give more than 1000`);
if (!alerts) problem('no alert (finding) document');
for (const p of problems) console.log('FAIL: ' + p);
process.exit(problems.length ? 1 : 0);
