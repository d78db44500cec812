#!/usr/bin/env node
'use strict';
// Checks the exchanges the API tests made (api_tests --record FILE) against docs/openapi.yaml,
// as a validating proxy would: every response to a documented operation must have a status
// that operation lists, a media type its response lists, and a JSON body that its schema
// accepts. A response the document does not describe fails.
//
// usage: node validate.js --record FILE [--openapi docs/openapi.yaml] [--verbose]
//
// Requests to pages (paths outside /api/ and the three operational paths) are not part of the
// API document and are counted only. A request to an /api/ path the document does not have
// must be answered 404 (or 414 when the URL is too long), and a documented path with a method
// it does not list 405: the document cannot list what does not exist.

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const ROOT = path.resolve(__dirname, '..', '..');
const OPERATIONAL = new Set(['/healthz', '/readyz', '/metrics']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function parseArgs(argv) {
  const o = { record: '', openapi: path.join(ROOT, 'docs', 'openapi.yaml'), verbose: false };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--record') o.record = argv[++i];
    else if (a === '--openapi') o.openapi = argv[++i];
    else if (a === '--verbose') o.verbose = true;
    else {
      process.stderr.write(`unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  if (!o.record) {
    process.stderr.write('usage: node validate.js --record FILE [--openapi FILE] [--verbose]\n');
    process.exit(2);
  }
  return o;
}

// JSON pointer token, then URI fragment escaping (paths hold "{" and "}").
const tok = (s) => encodeURIComponent(String(s).replace(/~/g, '~0').replace(/\//g, '~1'));

// Path templates as regular expressions, literal segments first, so /certificates/export
// wins over /certificates/{number}.
function matchers(doc) {
  return Object.keys(doc.paths)
    .map((tpl) => {
      const segs = tpl.split('/');
      const re = segs
        .map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      return { tpl, re: new RegExp(`^${re}$`), literal: segs.filter((s) => !s.startsWith('{')).length };
    })
    .sort((a, b) => b.literal - a.literal);
}

function main() {
  const o = parseArgs(process.argv);
  const doc = YAML.parse(fs.readFileSync(o.openapi, 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema(doc, 'openapi');
  const compiled = new Map();
  const validator = (pointer) => {
    if (!compiled.has(pointer)) compiled.set(pointer, ajv.compile({ $ref: `openapi#${pointer}` }));
    return compiled.get(pointer);
  };
  const resolve = (node) => {
    while (node && node.$ref) {
      node = node.$ref.replace(/^#\//, '').split('/')
        .map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((n, t) => n[t], doc);
    }
    return node;
  };
  const pathRes = matchers(doc);

  const lines = fs.readFileSync(o.record, 'utf8').split('\n').filter(Boolean);
  const failures = [];
  const seen = new Set();
  const n = { total: lines.length, pages: 0, unknownPath: 0, otherMethod: 0, validated: 0, bodies: 0 };
  for (const line of lines) {
    const ex = JSON.parse(line);
    const p = ex.path.split('?')[0];
    const where = `${ex.method} ${ex.path.length > 120 ? `${ex.path.slice(0, 120)}...` : ex.path} -> ${ex.status}`;
    const fail = (why) => failures.push(`${where}: ${why}`);
    if (!p.startsWith('/api/') && !OPERATIONAL.has(p)) {
      n.pages++;
      continue;
    }
    const m = pathRes.find((x) => x.re.test(p));
    if (!m) {
      n.unknownPath++;
      if (ex.status !== 404 && ex.status !== 414) fail('a path the document does not have, answered neither 404 nor 414');
      continue;
    }
    const method = ex.method.toLowerCase() === 'head' ? 'get' : ex.method.toLowerCase();
    const op = METHODS.includes(method) ? doc.paths[m.tpl][method] : undefined;
    if (!op) {
      n.otherMethod++;
      if (ex.status !== 405) fail(`${m.tpl} has no ${ex.method} operation, and the answer is not 405`);
      continue;
    }
    seen.add(`${method.toUpperCase()} ${m.tpl}`);
    const code = String(ex.status);
    const key = [code, `${code[0]}XX`, 'default'].find((k) => op.responses && op.responses[k]);
    if (!key) {
      fail(`status ${code} is not among the responses of ${op.operationId || m.tpl} (${Object.keys(op.responses || {}).join(', ')})`);
      continue;
    }
    const resp = resolve(op.responses[key]);
    const content = resp.content || {};
    if (ex.method === 'HEAD' || ex.length === 0) {
      if (ex.length === 0 && Object.keys(content).length && ex.method !== 'HEAD')
        fail(`an empty body where the document describes ${Object.keys(content).join(', ')}`);
      else n.validated++;
      continue;
    }
    if (!Object.keys(content).length) {
      fail(`a body (${ex.type || 'no type'}, ${ex.length} bytes) where the document describes none`);
      continue;
    }
    const media = Object.keys(content).find((k) => k === ex.type) ||
      Object.keys(content).find((k) => k.endsWith('/*') && ex.type && ex.type.startsWith(k.slice(0, -1))) ||
      (content['*/*'] ? '*/*' : undefined);
    if (!media) {
      fail(`media type ${ex.type} is not among ${Object.keys(content).join(', ')}`);
      continue;
    }
    const isJson = /(^application\/json$)|(\+json$)/.test(media);
    if (isJson) {
      if (!ex.json_ok) {
        fail(`a ${media} body that does not parse`);
        continue;
      }
      if (!content[media].schema) {
        fail(`no schema for ${media}`);
        continue;
      }
      const ptr = `/paths/${tok(m.tpl)}/${method}/responses/${tok(key)}`;
      const v = op.responses[key].$ref
        ? validator(`${op.responses[key].$ref.slice(1)}/content/${tok(media)}/schema`)
        : validator(`${ptr}/content/${tok(media)}/schema`);
      if (!v(ex.body)) {
        fail(`body against ${op.operationId}'s ${code} schema: ${ajv.errorsText(v.errors, { separator: '; ' })}` +
          (o.verbose ? `\n    ${JSON.stringify(ex.body).slice(0, 600)}` : ''));
        continue;
      }
      n.bodies++;
    }
    n.validated++;
  }

  const ops = [];
  for (const [tpl, item] of Object.entries(doc.paths))
    for (const mth of METHODS) if (item[mth]) ops.push(`${mth.toUpperCase()} ${tpl}`);
  const unseen = ops.filter((x) => !seen.has(x));

  for (const f of failures) process.stdout.write(`FAIL ${f}\n`);
  process.stdout.write(
    `contract: ${n.total} exchanges: ${n.validated} responses of documented operations validated ` +
    `(${n.bodies} JSON bodies against their schemas), ${failures.length} not described by the document; ` +
    `${seen.size} of ${ops.length} operations exercised; ` +
    `${n.unknownPath} to undocumented /api/ paths (404/414), ${n.otherMethod} to undocumented methods (405), ` +
    `${n.pages} to pages (not in the API document)\n`);
  if (unseen.length) process.stdout.write(`operations the API tests never call: ${unseen.join(', ')}\n`);
  process.exit(failures.length ? 1 : 0);
}

main();
