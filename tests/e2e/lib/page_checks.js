'use strict';
// The checks of issue 20 that run on EVERY page a journey visits, in both languages (the
// run's languages) and at two widths: a phone (390 px) and a desktop (1280 px). One function,
// pageChecks(actor, where), called by Actor.checkPage (lib/harness.js) after axe-core; helper
// W2 adds its own ("no code-like text in <main>") to the CHECKS list below.
//
//   - no horizontal overflow of the document at either width
//     (document.documentElement.scrollWidth <= innerWidth): tables scroll in their own box;
//   - the page title names the object on a page of one object (a case, a certificate, a CC
//     certificate, a surveillance case): the part before the first " — " is text of <main>,
//     not a generic page title from the catalogue;
//   - a page that shows the error summary starts its title with "エラー: " / "Error: " and
//     has moved focus to the summary (static/js/giteki.js), each summary link pointing at an
//     element of the page.
// Failures are soft (run.soft): the journey goes on and the step fails at its end.

const WIDTHS = [390, 1280];

// Pages of one object: the title must name it.
const OBJECT_PAGES = [
  /^\/applications\/[0-9a-f-]{36}$/,
  /^\/examination\/[0-9a-f-]{36}$/,
  /^\/certificates\/[^/?]+$/,
  /^\/cc\/[^/?]+$/,
  /^\/surveillance\/[0-9a-f-]{36}$/,
];

async function noOverflow(actor, where) {
  const page = actor.page;
  const original = page.viewportSize();
  const problems = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: original ? original.height : 800 });
    const m = await page.evaluate(() => {
      const doc = document.documentElement;
      // the widest element that sticks out (for the message), outside scrolling boxes
      let worst = null;
      if (doc.scrollWidth > window.innerWidth) {
        for (const el of document.body.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.right > window.innerWidth + 1 && (!worst || r.right > worst.right)) {
            let p = el.parentElement;
            let inScroller = false;
            while (p && p !== document.body) {
              const ox = getComputedStyle(p).overflowX;
              if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { inScroller = true; break; }
              p = p.parentElement;
            }
            if (!inScroller) {
              worst = { right: Math.round(r.right), tag: el.tagName.toLowerCase(),
                cls: el.className && el.className.baseVal === undefined ? el.className : '',
                text: (el.innerText || '').slice(0, 60) };
            }
          }
        }
      }
      return { scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, worst };
    });
    if (m.scrollWidth > m.innerWidth) {
      const w = m.worst ? ` (widest: <${m.worst.tag} class="${m.worst.cls}"> to ${m.worst.right} px: ${JSON.stringify(m.worst.text)})` : '';
      problems.push(`at ${width} px the page is ${m.scrollWidth} px wide${w}`);
    }
  }
  if (original) await page.setViewportSize(original);
  if (problems.length) actor.run.soft(`${where}: horizontal overflow: ${problems.join('; ')}`);
}

async function titleNamesObject(actor, where) {
  const path = where.split(/[?#]/)[0];
  if (!OBJECT_PAGES.some((re) => re.test(path))) return;
  const info = await actor.page.evaluate(() => ({
    title: document.title,
    main: (document.querySelector('main') || document.body).innerText,
  }));
  const prefix = actor.t('ux.title_error');
  const first = info.title.replace(prefix, '').split(' — ')[0].trim();
  const generic = /giteki$/.test(first) || first === '' || !info.title.includes(' — ');
  if (generic || !info.main.includes(first)) {
    actor.run.soft(`${where}: the title "${info.title}" does not name the object of the page`);
  }
}

async function errorPattern(actor, where) {
  const s = await actor.page.evaluate(() => {
    const sum = document.getElementById('error-summary');
    if (!sum) return null;
    const links = [...sum.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href').slice(1));
    return {
      title: document.title,
      focused: document.activeElement === sum,
      role: sum.getAttribute('role'),
      missing: links.filter((id) => !document.getElementById(id)),
    };
  });
  if (!s) return;
  const prefix = actor.t('ux.title_error');
  if (!s.title.startsWith(prefix)) actor.run.soft(`${where}: an error page's title "${s.title}" does not start with "${prefix}"`);
  if (!s.focused) actor.run.soft(`${where}: the error summary did not take the focus`);
  if (s.role !== 'alert') actor.run.soft(`${where}: the error summary is not role=alert`);
  if (s.missing.length) actor.run.soft(`${where}: the error summary links to fields the page lacks: #${s.missing.join(', #')}`);
}

// W2: add checks here, each async (actor, where) => void, failing with actor.run.soft(...).
const CHECKS = [errorPattern, titleNamesObject, noOverflow];

async function pageChecks(actor, where) {
  for (const check of CHECKS) await check(actor, where);
}

module.exports = { pageChecks, CHECKS, WIDTHS };
