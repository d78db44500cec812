'use strict';
// Keyboard use: a person who cannot use a mouse signs in. From the top of the sign-in page,
// Tab must reach the skip link first, then (eventually) the e-mail field; Tab moves from the
// e-mail field to the password field; Enter submits. An empty form answered with Enter shows
// each error next to its field, announced (role=alert) and tied to the field
// (aria-invalid, aria-describedby).

const { fail } = require('./lib/harness');

async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href') } : {};
  });
}

async function tabTo(actor, id, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await actor.page.keyboard.press('Tab');
    if ((await focused(actor.page)).id === id) return i + 1;
  }
  fail(`${actor.where()}: #${id} was not reached with ${limit} presses of Tab`);
}

function keyboardStep(account) {
  return {
    journey: 'keyboard', name: 'signs in with the keyboard alone; errors are announced by the fields',
    async run(c) {
      const k = await c.newActor('keyboard', c.lang);
      const page = k.page;
      await k.goto('/signin');
      await page.keyboard.press('Tab');
      const first = await focused(page);
      if (first.href !== '#main') fail(`/signin: the first Tab lands on <${first.tag} ${first.href || first.id}>, not the "skip to main content" link`);

      // The empty form, sent with Enter.
      await tabTo(k, 'email');
      await k.pressAndLoad(page.locator(':focus'), 'Enter');
      for (const id of ['email', 'password']) {
        const input = page.locator(`#${id}`);
        const invalid = await input.getAttribute('aria-invalid');
        const describedby = (await input.getAttribute('aria-describedby')) || '';
        if (invalid !== 'true') fail(`${k.where()}: after an empty sign-in, #${id} is not aria-invalid="true"`);
        const errId = describedby.split(/\s+/).find((d) => d.endsWith('-error'));
        if (!errId) fail(`${k.where()}: #${id} has no aria-describedby pointing at its error (got "${describedby}")`);
        const err = page.locator(`#${errId}`);
        if (!(await err.isVisible())) fail(`${k.where()}: the error #${errId} of #${id} is not shown`);
        if ((await err.getAttribute('role')) !== 'alert') fail(`${k.where()}: the error #${errId} is not announced (role="alert")`);
      }
      await k.shot('keyboard', '01-signin-errors');

      // Now for real: Tab to the e-mail field, type, Tab, type, Enter.
      await page.locator('body').focus().catch(() => {});
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      await tabTo(k, 'email');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(account.email);
      await page.keyboard.press('Tab');
      const next = await focused(page);
      if (next.id !== 'password') fail(`${k.where()}: Tab from the e-mail field goes to <${next.tag} id="${next.id}">, not the password field`);
      await page.keyboard.type(account.password);
      await k.pressAndLoad(page.locator('#password'), 'Enter');
      if (page.url().includes('/signin')) fail(`signing in with the keyboard failed:\n${await k.mainText()}`);
      if (!(await k.button('nav.signout').count())) fail(`${k.where()}: signed in by keyboard, but no "${k.t('nav.signout')}" button`);
    },
  };
}

module.exports = { keyboardStep };
