'use strict';
// The e2e harness: one browser, one isolated context per actor (manufacturer, examiners,
// regulator, admin), and the checks that hold on every page a journey visits:
//   - the page answered (no 4xx/5xx unless the step says so) and is not the error page;
//   - axe-core finds no serious or critical accessibility violation;
//   - the browser logged no error (CSP violations, failed scripts, 404 on a stylesheet);
//   - issue 20 (lib/page_checks.js): no horizontal overflow at 390 and 1280 px, the title
//     names the object, a refused form's summary has the focus and "Error:" in the title.
// Text is looked up in the product's own message catalogues (templates/messages/<lang>.json),
// so a journey selects "the button labelled <signin.submit>" in either language.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { checkMainText } = require('./text_checks');
const { pageChecks } = require('./page_checks');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const AXE_PATH = require.resolve('axe-core/axe.min.js');
let axeSourceText = null;
function axeSource() {
  if (axeSourceText === null) axeSourceText = fs.readFileSync(AXE_PATH, 'utf8');
  return axeSourceText;
}

// Debian's chromium, as root, without anything that phones home. Playwright gives every launch
// a fresh temporary profile (its own --user-data-dir) and removes it afterwards.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

class StepError extends Error {}

// fail(message): stop the current journey with a message meant for the person reading the log.
function fail(message) {
  throw new StepError(message);
}

function loadMessages(lang) {
  const file = path.join(ROOT, 'templates', 'messages', `${lang}.json`);
  const all = JSON.parse(fs.readFileSync(file, 'utf8'));
  // Each area's own catalogue (templates/messages/<lang>/<area>.json), merged as the server does.
  const dir = path.join(ROOT, 'templates', 'messages', lang);
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      Object.assign(all, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    }
  }
  // t(key, vars): the catalogue text, with {name} placeholders filled from vars.
  const t = (key, vars = {}) => {
    const s = all[key];
    if (typeof s !== 'string') fail(`message key ${key} is missing from templates/messages/${lang}.json`);
    return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  };
  t.has = (key) => typeof all[key] === 'string';
  return t;
}

async function launch(opts = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'giteki-e2e-'));
  const browser = await chromium.launch({
    executablePath: opts.executablePath || process.env.GITEKI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    downloadsPath: tmp,
    timeout: 60000,
  });
  return { browser, tmp };
}

// One person using the site: a browser context with its language, cookies and a page.
class Actor {
  constructor(run, name, lang) {
    this.run = run;
    this.name = name;
    this.lang = lang;
    this.t = run.messages[lang];
    this.consoleErrors = [];
  }

  async open(viewport = { width: 1280, height: 800 }) {
    this.context = await this.run.browser.newContext({
      baseURL: this.run.baseUrl,
      locale: this.lang === 'ja' ? 'ja-JP' : 'en-GB',
      extraHTTPHeaders: { 'Accept-Language': this.lang === 'ja' ? 'ja,en;q=0.5' : 'en,ja;q=0.5' },
      viewport,
      acceptDownloads: true,
    });
    this.context.setDefaultTimeout(this.run.timeoutMs);
    this.page = await this.context.newPage();
    this.page.on('console', (msg) => {
      if (msg.type() === 'error') this.consoleErrors.push(msg.text());
    });
    this.page.on('pageerror', (err) => this.consoleErrors.push(String(err)));
    return this;
  }

  async close() {
    if (this.context) await this.context.close();
  }

  // goto(path): open a page by its address (what a person does with a bookmark or a link from
  // an e-mail), then run the page checks.
  async goto(url, opts = {}) {
    const resp = await this.page.goto(url, { waitUntil: 'load' });
    await this.checkPage(resp, opts);
    return resp;
  }

  // follow(href, text): go where a person would click: a link with that address on the
  // current page (the navigation first). When the page has no such link, the journey goes
  // there by address and the run reports the missing link (a warning, or a failure with
  // --strict-nav).
  async follow(href, what) {
    const link = this.page.locator(`header a[href="${href}"], nav a[href="${href}"], main a[href="${href}"]`).first();
    if (await link.count()) {
      return this.clickAndLoad(link);
    }
    const msg = `${this.where().split(/[?#]/)[0]} has no link to ${href} (${what}); went there by address`;
    if (this.run.strictNav) fail(msg);
    this.run.warn(msg);
    return this.goto(href);
  }

  // clickAndLoad(locator): click something that loads a new page (a link, a submit button),
  // wait for that page, then run the page checks.
  async clickAndLoad(locator, opts = {}) {
    const [resp] = await Promise.all([
      this.page.waitForNavigation({ waitUntil: 'load' }),
      locator.click(),
    ]);
    await this.checkPage(resp, opts);
    return resp;
  }

  // pressAndLoad(key): like clickAndLoad, with a key press (Enter in a field submits the form).
  async pressAndLoad(locator, key, opts = {}) {
    const [resp] = await Promise.all([
      this.page.waitForNavigation({ waitUntil: 'load' }),
      locator.press(key),
    ]);
    await this.checkPage(resp, opts);
    return resp;
  }

  // The checks every visited page must pass. opts.status: the expected HTTP status (default:
  // any 2xx/3xx); opts.axe=false skips accessibility (never used by the journeys).
  async checkPage(resp, opts = {}) {
    const page = this.page;
    const where = page.url().replace(this.run.baseUrl, '') || '/';
    this.run.visited.add(`${this.lang} ${where.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}').split('?')[0]}`);
    const status = resp ? resp.status() : 0;
    if (opts.status !== undefined) {
      if (status !== opts.status) fail(`${where}: HTTP ${status}, expected ${opts.status}\n${await this.mainText()}`);
    } else if (!resp || status >= 400) {
      fail(`${where}: HTTP ${status || 'no response'}\n${await this.mainText()}`);
    }
    const htmlLang = await page.getAttribute('html', 'lang').catch(() => null);
    if (htmlLang && !htmlLang.startsWith(this.lang)) {
      fail(`${where}: the page is in "${htmlLang}", the browser asked for "${this.lang}"`);
    }
    if (opts.axe !== false) await this.axe(where);
    await this.textCheck(where);
    // issue 20: overflow at 390 and 1280 px, the title naming the object, the error pattern
    if (resp && (resp.headers()['content-type'] || '').startsWith('text/html')) await pageChecks(this, where);
    await this.keepHtml(resp, where);
    if (opts.status !== undefined) {
      // the browser logs the status a step expects (a form refused with 413/422) as an error
      const expected = `status of ${opts.status}`;
      this.consoleErrors = this.consoleErrors.filter((e) => !e.includes(expected));
    }
    if (this.consoleErrors.length) {
      const errs = this.consoleErrors.splice(0);
      this.run.soft(`${where}: the browser reported errors:\n  ${errs.join('\n  ')}`);
    }
  }

  // The HTML the server sent (not the DOM after scripts), for the Nu HTML Checker at the end
  // of the run (run.js --html): one file per language and page, the latest visit kept.
  async keepHtml(resp, where) {
    if (!this.run.htmlDir || !resp) return;
    const type = resp.headers()['content-type'] || '';
    if (!type.startsWith('text/html')) return;
    const body = await resp.text().catch(() => null);
    if (body === null) return;
    const slug = where.split('?')[0].replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'id')
      .replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'home';
    fs.mkdirSync(this.run.htmlDir, { recursive: true });
    fs.writeFileSync(path.join(this.run.htmlDir, `${this.lang}-${slug}.html`), body);
  }

  async mainText() {
    const txt = await this.page.locator('main').innerText().catch(() => '');
    return txt.slice(0, 800);
  }

  // Issue 20: no text in <main> that looks like a code (lib/text_checks.js). Recorded like
  // axe's findings: the step fails at its end with every page that showed one.
  async textCheck(where) {
    const type = await this.page.evaluate(() => document.contentType).catch(() => '');
    if (type && !/html/.test(type)) return;
    const bad = await checkMainText(this.page).catch(() => []);
    if (bad.length) this.run.soft(`${where}: text in <main> looks like a code:\n  ${bad.join('\n  ')}`);
  }

  async axe(where) {
    const page = this.page;
    const have = await page.evaluate(() => typeof window.axe === 'object').catch(() => false);
    // Injected through the DevTools protocol (Runtime.evaluate), which the page's CSP
    // (script-src 'self') does not govern, so the page keeps its real CSP: a CSP violation of
    // the product's own pages still shows up as a browser error.
    if (!have) await page.evaluate(`${axeSource()}\n;void 0;`);
    const result = await page.evaluate(async () => {
      // Default rules (WCAG 2.x A/AA and best practices).
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    });
    this.run.axeRuns++;
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of result) {
      if (!bad.includes(v)) this.run.note(`axe ${v.impact} ${v.id} on ${where}: ${v.help}`);
    }
    if (bad.length) {
      // Recorded, not thrown: the journey goes on (its later pages are checked too) and the
      // step fails at its end with every violation it met.
      const lines = bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes.map((n) => `      at ${n.target}\n        ${(n.summary || '').replace(/\n/g, '\n        ')}`).join('\n'));
      this.run.soft(`${where}: axe-core found ${bad.length} serious/critical accessibility violation(s):\n${lines.join('\n')}`);
    }
  }

  // shot(journey, step): a screenshot of the viewport for docs/screenshots, with the element
  // (a locator) scrolled into view when given.
  async shot(journey, step, locator) {
    if (!this.run.screenshotDir) return;
    if (locator) await locator.first().scrollIntoViewIfNeeded().catch(() => {});
    const file = path.join(this.run.screenshotDir, `${journey}-${this.lang}-${step}.png`);
    await this.page.screenshot({ path: file, animations: 'disabled' });
    this.run.shots.push(file);
  }

  // Form helpers by visible label / role / text, in the actor's language.
  field(key, opts = {}) {
    return this.page.getByLabel(this.t(key), { exact: opts.exact !== false });
  }

  button(key, vars) {
    return this.page.getByRole('button', { name: this.t(key, vars), exact: true });
  }

  link(key, vars) {
    return this.page.getByRole('link', { name: this.t(key, vars), exact: true });
  }

  // expectText(text): the main content shows text (a string or a RegExp).
  async expectText(text, what) {
    const main = this.page.locator('main');
    const body = await main.innerText();
    const ok = text instanceof RegExp ? text.test(body) : body.includes(text);
    if (!ok) fail(`${this.where()}: expected ${what || JSON.stringify(String(text))} on the page; it shows:\n${body.slice(0, 1200)}`);
  }

  where() {
    return this.page.url().replace(this.run.baseUrl, '') || '/';
  }

  // signIn(email, password): through the sign-in page, as a person would.
  async signIn(email, password) {
    await this.goto('/signin');
    await this.field('field.email').fill(email);
    await this.field('field.password').fill(password);
    await this.clickAndLoad(this.button('signin.submit'));
    if (this.page.url().includes('/signin')) {
      fail(`signing in as ${email} did not leave the sign-in page:\n${await this.mainText()}`);
    }
  }
}

module.exports = { launch, loadMessages, Actor, StepError, fail, ROOT };
