'use strict';
// Issue 20 part A, journeys of their own (the checks on every page are lib/page_checks.js):
//   - an upload over the limit is answered inside the case page's form (HTTP 413, the summary
//     names the file field and the limit, focus on it, the manufacturer still signed in);
//   - a refused form keeps what was typed and moves focus to the summary;
//   - the language switch keeps a search's filters.
// uxSteps(chain) returns the chain with the first two inserted while the manufacturer's case
// is still a draft (after "uploads the required documents"), plus the independent third.

const { fail } = require('./lib/harness');

const overLimit = {
  journey: 'manufacturer', name: 'an upload over the limit is answered inside the form',
  async run(c) {
    const m = c.maker;
    const caseUrl = m.where();
    const max = Number(await m.page.locator('input[type=file]').getAttribute('data-max-bytes'));
    if (!max) fail(`${caseUrl}: the upload form does not state its limit (data-max-bytes)`);
    const big = Buffer.alloc(max + 64 * 1024, 0x20);
    Buffer.from('%PDF-1.7\n').copy(big);
    await m.field('app.col_kind').selectOption('other');
    await m.field('app.file').setInputFiles({ name: 'too-big.pdf', mimeType: 'application/pdf', buffer: big }, { timeout: 90000 });
    await m.clickAndLoad(m.button('app.upload'), { status: 413 });
    const summary = m.page.locator('#error-summary');
    if (!(await summary.count())) fail(`${m.where()}: no error summary after an upload over the limit:\n${await m.mainText()}`);
    const text = await summary.innerText();
    if (!(await summary.locator('a[href="#file"]').count())) fail(`${m.where()}: the summary does not link to the file field:\n${text}`);
    if (!/\d+(\.\d)? MB/.test(text)) fail(`${m.where()}: the summary does not state the limit in MB:\n${text}`);
    if (!(await m.page.locator('form input[type=file]').count())) fail(`${m.where()}: the upload form is not on the page`);
    if (!(await m.button('nav.signout').count())) fail(`${m.where()}: after the refused upload the manufacturer shows as signed out`);
    await m.shot('manufacturer', '05b-upload-too-large', summary);
    await m.goto(caseUrl);
  },
};

const keepsInput = {
  journey: 'manufacturer', name: 'a refused form keeps the input and focuses the summary',
  async run(c) {
    const m = c.maker;
    const caseUrl = m.where();
    await m.goto('/applications/new');
    await m.page.getByLabel(m.t('app.route_long.conformity'), { exact: true }).check();
    await m.field('app.type_name').fill('KEPT-42');
    await m.field('app.model_name').fill('');
    await m.clickAndLoad(m.button('app.save'), { status: 422 });
    const focused = await m.page.evaluate(() => document.activeElement && document.activeElement.id);
    if (focused !== 'error-summary') fail(`${m.where()}: focus is on "${focused}", not on the error summary`);
    const kept = await m.field('app.type_name').inputValue();
    if (kept !== 'KEPT-42') fail(`${m.where()}: the form lost what was typed (type name "${kept}")`);
    const title = await m.page.title();
    if (!title.startsWith(m.t('ux.title_error'))) fail(`${m.where()}: the title "${title}" does not start with "${m.t('ux.title_error')}"`);
    await m.goto(caseUrl);
  },
};

const langKeepsQuery = {
  journey: 'public', name: 'the language switch keeps the search filters',
  async run(c) {
    const v = await c.newActor('visitor');
    await v.goto('/certificates?q=Router&page=1');
    const other = c.lang === 'ja' ? 'en' : 'ja';
    // not clickAndLoad: the page checks expect the actor's language, and this page is the other
    await Promise.all([
      v.page.waitForNavigation({ waitUntil: 'load' }),
      v.page.locator(`.lang-switch a[hreflang="${other}"]`).click(),
    ]);
    const url = new URL(v.page.url());
    if (url.pathname !== '/certificates' || url.searchParams.get('q') !== 'Router' || url.searchParams.get('page') !== '1') {
      fail(`the language switch went to ${v.where()}, losing the path or the query`);
    }
    const lang = await v.page.getAttribute('html', 'lang');
    if (lang !== other) fail(`${v.where()}: the page is in "${lang}" after switching to "${other}"`);
    const q = await v.page.locator('input[name=q]').inputValue();
    if (q !== 'Router') fail(`${v.where()}: the search field shows "${q}" after the switch`);
    await v.close();
  },
};

function uxSteps(chain) {
  const at = chain.findIndex((s) => s.name === 'uploads the required documents');
  const out = chain.slice();
  if (at >= 0) out.splice(at + 1, 0, overLimit, keepsInput);
  return { chain: out, independent: [langKeepsQuery] };
}

module.exports = { uxSteps };
