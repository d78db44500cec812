'use strict';
// Issue 20: no text in <main> may look like a code. People read words (docs/glossary.md);
// codes are what the API and the database say. checkMainText(page) returns the offending
// snippets of the page's <main> (an empty array when it reads as words):
//   - snake_case words (direct_connection, onu_modem, granted_from), except file names
//     (test_report.pdf) and e-mail addresses;
//   - message keys a.b.c (exam.verdict.pass, device.category.x), except host names and
//     addresses (api.test, www.soumu.go.jp);
//   - UUIDs outside links (an id in a link's text names the thing it opens);
//   - API paths (/api/v1/rule-sets) in the text: a page says what to do in words.
// Text inside <textarea>, <script>, <style>, <pre> (the signed record, machine text shown as
// such) and hidden elements is not read.
// (W1 may add these patterns to tests/e2e/lib/page_checks.js; the hook in harness.js calls
// this function on every page a journey visits.)

const SNAKE = /(^|[^A-Za-z0-9_@.\/-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![A-Za-z0-9_@-]|\.[A-Za-z0-9]{2,4}\b)/g;
const KEY = /(^|[^A-Za-z0-9_@.\/:-])([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_-]*){2,})(?![A-Za-z0-9_@\/-])/g;
const HOSTLIKE = /\.(jp|com|org|net|test|example|invalid|local|localhost|io|int|eu|go|co|ne|or|ac|lg)$/;
const API_PATH = /\/api\/v\d+\/[A-Za-z0-9_\/{}.-]*/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

// The text of <main> outside links, and the text inside them, from the live DOM.
async function mainTexts(page) {
  return page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return { plain: [], linked: [] };
    const plain = [];
    const linked = [];
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      // <pre>: machine text shown as such (the signed record of a certificate)
      if (!el || el.closest('textarea, script, style, template, [hidden], pre')) continue;
      const t = n.nodeValue.trim();
      if (!t) continue;
      (el.closest('a') ? linked : plain).push(t);
    }
    return { plain, linked };
  });
}

function codesIn(text) {
  const found = [];
  for (const m of text.matchAll(SNAKE)) found.push(m[2]);
  for (const m of text.matchAll(KEY)) if (!HOSTLIKE.test(m[2])) found.push(m[2]);
  const u = text.match(UUID);
  if (u) found.push(u[0]);
  const api = text.match(API_PATH);
  if (api) found.push(api[0]);
  return found;
}

async function checkMainText(page) {
  const { plain } = await mainTexts(page);
  const bad = [];
  for (const t of plain) {
    for (const code of codesIn(t)) {
      const snippet = `"${code}" in "${t.length > 120 ? `${t.slice(0, 117)}...` : t}"`;
      if (!bad.includes(snippet)) bad.push(snippet);
    }
  }
  return bad;
}

module.exports = { checkMainText, codesIn };
