'use strict';
// The three journeys of issue 9, written once and run in each language. They are interleaved
// as they happen in life: the manufacturer files (journey 1), the examiner examines and asks
// a question (journey 2), the manufacturer answers (journey 1), the examiners grant (journey
// 2), the regulator finds the certificate and exports the register (journey 3), opens a
// surveillance case, records a failed test and orders the certificate suspended (issue 17).
//
// Each step is { journey, name, run(ctx) }; ctx holds the actors and what earlier steps
// learnt (the application's address, the certificate number). Everything is found by its
// label, role or text in the product's message catalogue, never by CSS path.

const { fail } = require('./lib/harness');
const { minimalPdf } = require('./lib/pdf');

// The questions the forms ask: the report's two-part direct-connection test, then Art. 34-10.
const FACTS = ['connectable_to_carrier_line', 'always_via_certified_equipment',
  'data_transmission_facility', 'uses_ip', 'remotely_configurable',
  'user_installable_security_software'];
// The answers that make a broadband router subject to the security requirements (SR-1..4).
const ROUTER_FACTS = { connectable_to_carrier_line: true, always_via_certified_equipment: false,
  data_transmission_facility: true,
  uses_ip: true, remotely_configurable: true, user_installable_security_software: false };
const DOC_KINDS = ['outline', 'test_report', 'external_view', 'connection_diagram',
  'block_diagram', 'manual', 'conformity_method', 'cc_certificate', 'evidence', 'other'];
const REQUIREMENTS = ['SR-1', 'SR-2', 'SR-3', 'SR-4'];
const ADMIN = { email: 'admin@api.test', password: 'admin-passphrase-for-api-tests' };
const PASSWORD = 'e2e-journey-passphrase-42';
// The certificate number: "D26-0001001" in lists, "T D26-0001001" (with the mark) on the
// certificate itself.
const NUMBER_RE = /T\s*D\d{2}-\d{7}/;
const PLAIN_NUMBER_RE = /D\d{2}-\d{7}/;

// Answer one yes/no question (a fieldset whose legend is the question).
async function answer(actor, fact, yes) {
  const t = actor.t;
  const group = actor.page.getByRole('group', { name: t(`det.q.${fact}`), exact: true });
  if (!(await group.count())) fail(`${actor.where()}: no question "${t(`det.q.${fact}`)}" (fieldset with that legend)`);
  await group.getByLabel(t(yes ? 'det.yes' : 'det.no'), { exact: true }).check();
}

// The status badge of the case (h1) must read the status's word.
async function expectStatus(actor, status) {
  const word = actor.t(`status.${status}`);
  const h1 = await actor.page.getByRole('heading', { level: 1 }).innerText();
  if (!h1.includes(word)) fail(`${actor.where()}: expected the status "${word}" (${status}) in the heading; it reads "${h1}"`);
}

async function expectDone(actor, done) {
  const url = new URL(actor.page.url());
  if (url.searchParams.get('done') !== done) {
    const alert = await actor.page.locator('[role=alert]').allInnerTexts();
    fail(`${actor.where()}: expected the "${done}" confirmation (?done=${done}); the page says:\n` +
      `${alert.join('\n') || await actor.mainText()}`);
  }
}

// The card (article) of one requirement on the examiner's case page.
function requirementCard(actor, req) {
  return actor.page.getByRole('article').filter({
    has: actor.page.getByRole('heading', { name: new RegExp(`^${req}\\b`) }),
  });
}

// The answers a requirement's evidence form asks (issue 15, item 6): SR-2 whether the
// per-device values are derivable from printed or broadcast identifiers (when asked), SR-3
// whether updates are secure and automatic, and the method.
async function answerFindings(e, card, r) {
  const t = e.t;
  const yesNo = async (key, yes, required) => {
    const g = card.getByRole('group', { name: t(key), exact: true });
    if (!(await g.count())) {
      if (required) fail(`${e.where()}: ${r} evidence does not ask "${t(key)}"`);
      return;
    }
    await g.getByLabel(t(yes ? 'examination.page.yes' : 'examination.page.no'), { exact: true }).check();
  };
  if (r === 'SR-2') await yesNo('examination.page.derivable', false, true);
  if (r === 'SR-3') {
    await yesNo('examination.page.update_secure', true, true);
    await yesNo('examination.page.update_automatic', false, true);
    await card.getByLabel(t('examination.page.update_method'), { exact: true })
      .fill(e.lang === 'ja' ? '署名付きイメージを管理画面から更新' : 'Signed image uploaded through the web console');
  }
}

// Evidence and a pass verdict on one requirement card.
async function testRequirement(e, r) {
  const t = e.t;
  let card = requirementCard(e, r);
  if (!(await card.count())) fail(`${e.where()}: no card for requirement ${r}`);
  await card.getByLabel(t('exam.procedure'), { exact: true }).fill(
    e.lang === 'ja' ? `${r}: 試験手順書 3.2 に従い確認` : `${r}: checked per test plan section 3.2`);
  await card.getByLabel(t('exam.result'), { exact: true }).fill(
    e.lang === 'ja' ? '要件を満たすことを確認した' : 'The requirement is met');
  await answerFindings(e, card, r);
  await e.clickAndLoad(card.getByRole('button', { name: t('exam.add_evidence'), exact: true }));
  await expectDone(e, 'evidence');
  card = requirementCard(e, r);
  await card.getByLabel(t('exam.verdict'), { exact: true }).selectOption('pass');
  await card.getByLabel(t('exam.reason'), { exact: true }).fill(e.lang === 'ja' ? '試験で確認' : 'Verified by test');
  await e.clickAndLoad(card.getByRole('button', { name: t('exam.set_verdict'), exact: true }));
  await expectDone(e, 'verdict');
}

// The manufacturer files a case through the guided form, uploads what it asks, and submits;
// returns the application id.
async function fileCase(m, c, { model, category, facts }) {
  const t = m.t;
  await m.follow('/applications', 'my applications');
  await m.clickAndLoad(m.link('app.new_link'));
  await m.page.getByLabel(t('app.route_long.design'), { exact: true }).check();
  await m.field('app.model_name').fill(model);
  await m.field('app.type_name').fill('WR-9100');
  await m.field('app.category').selectOption({ label: t(`app.category.${category}`) });
  await m.field('app.description').fill(model);
  for (const f of FACTS) await answer(m, f, facts[f]);
  for (const r of REQUIREMENTS) {
    const group = m.page.getByRole('group', { name: new RegExp(`^${r}\\b`) });
    if (!(await group.count())) continue;
    const measures = group.getByRole('radio');
    if (await measures.count()) await measures.first().check();
    await group.getByLabel(t('app.declaration_description'), { exact: true })
      .fill(m.lang === 'ja' ? `${r} を満たす方法の説明` : `How it meets ${r}`);
  }
  await m.clickAndLoad(m.button('app.save'));
  await expectDone(m, 'created');
  const id = new URL(m.page.url()).pathname.split('/').pop();
  const actions = await m.page.getByRole('region', { name: t('app.actions_heading') }).innerText().catch(() => '');
  const missing = DOC_KINDS.filter((k) => actions.split('\n').map((x) => x.trim()).includes(t(`app.kind.${k}`)));
  for (const kind of missing) {
    await m.field('app.col_kind').selectOption(kind);
    await m.page.getByRole('radio', { name: m.t(kind === 'manual' ? 'glossary.confidentiality.public' : 'glossary.confidentiality.confidential'), exact: true }).check();
    await m.field('app.file').setInputFiles({ name: `${kind}.pdf`, mimeType: 'application/pdf', buffer: minimalPdf(`${model} ${kind}`) });
    await m.clickAndLoad(m.button('app.upload'));
    await expectDone(m, 'uploaded');
  }
  await m.clickAndLoad(m.button('app.submit'));
  await expectDone(m, 'submitted');
  return id;
}

// The second examiner approves the open proposal of a case.
async function approve(e, id, comment) {
  await e.goto(`/examination/${id}`);
  await e.page.getByRole('radio', { name: e.t('exam.approve'), exact: true }).check();
  await e.field('exam.comment').fill(comment);
  await e.clickAndLoad(e.button('exam.review_submit'));
  await expectDone(e, 'review');
}

// The token of the sign-up mail to `to`, read from the test mail box (scripts/mailsink files
// in GITEKI_TEST_MAIL_DIR, which scripts/test sets): waits up to 15 s.
async function signupToken(to) {
  const fs = require('fs');
  const dir = process.env.GITEKI_TEST_MAIL_DIR;
  if (!dir) fail('GITEKI_TEST_MAIL_DIR is not set: the sign-up mail cannot be read');
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.eml')).sort().reverse()) {
      const raw = fs.readFileSync(`${dir}/${f}`, 'latin1');
      if (!raw.toLowerCase().includes(`x-mailsink-rcpt: ${to.toLowerCase()}\r\n`)) continue;
      if (!raw.includes('X-Giteki-Kind: signup.verify\r\n')) continue;
      const at = raw.indexOf('Content-Transfer-Encoding: base64\r\n\r\n');
      const b64 = raw.slice(at + 37, raw.indexOf('\r\n--', at));
      const text = Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('utf8');
      const m = /token=([A-Za-z0-9_-]+)/.exec(text);
      if (m) return m[1];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  fail(`no sign-up mail to ${to} within 15 s`);
}

// Sign in as someone new in this context (the previous person signs out first).
async function signInFresh(actor, who) {
  const out = actor.button('nav.signout');
  if (await out.count()) await actor.clickAndLoad(out);
  await actor.signIn(who.email, who.password);
}

function steps() {
  return [
    // ---- Journey 1: the manufacturer files -------------------------------------------------
    {
      journey: 'manufacturer', name: 'signs up',
      async run(c) {
        const m = c.maker;
        await m.goto('/');
        await m.shot('manufacturer', '01-home');
        await m.follow('/signin', 'sign in');
        await m.clickAndLoad(m.link('signin.signup_link'));
        await m.field('signup.org_name').fill(c.org);
        await m.field('signup.org_name_ja').fill(`${c.org} 株式会社`);
        await m.field('signup.representative').fill(c.lang === 'ja' ? '代表取締役 試験太郎' : 'Taro Shiken, CEO');
        await m.field('signup.user_name').fill(c.lang === 'ja' ? '申請 花子' : 'Hanako Shinsei');
        await m.field('field.email').fill(c.makerEmail);
        await m.field('field.password').fill(PASSWORD);
        await m.shot('manufacturer', '02-signup', m.button('signup.submit'));
        await m.clickAndLoad(m.button('signup.submit'));
        if (await m.page.locator('[role=alert]').count()) fail(`sign-up was refused:\n${await m.mainText()}`);
        // issue 19: the page says to check the mail; its link confirms the address
        await m.expectText(m.t('accounts.sent.heading'), 'the "check your mail" page');
        const token = await signupToken(c.makerEmail);
        await m.goto(`/verify-email?token=${token}`);
        await m.clickAndLoad(m.button('accounts.verify.submit'));
        await m.expectText(m.t('accounts.verify.done'), 'the address confirmed');
        // issue 20: the welcome page offers the next step
        await m.expectText(m.t('glossary.welcome.start'), 'the welcome page\'s next step');
        await m.signIn(c.makerEmail, PASSWORD);
        if (!(await m.button('nav.signout').count())) fail(`${m.where()}: after sign-up the manufacturer is not signed in (no "${m.t('nav.signout')}")`);
        // issue 20: a manufacturer lands on its applications, offered "start an application"
        if (!new URL(m.page.url()).pathname.startsWith('/applications')) fail(`${m.where()}: after sign-in the manufacturer is not on the applications page`);
        if (!(await m.link('app.new_link').count())) fail(`${m.where()}: no "${m.t('app.new_link')}" after sign-in`);
      },
    },
    // issue 16: a filing needs the complete holder record (docs/rules.md H3): asked first
    {
      journey: 'manufacturer', name: 'completes the holder record before filing',
      async run(c) {
        const m = c.maker;
        const ja = m.lang === 'ja';
        await m.goto('/account/organization');
        await m.expectText(m.t('holders.page.missing'), 'what the holder record still needs');
        await m.field('holders.field.name_ja').fill(ja ? '見本電機株式会社' : 'Mihon Denki K.K.');
        await m.field('holders.field.address_ja').fill('東京都千代田区丸の内1-1-1');
        await m.field('holders.field.country').fill('JP');
        await m.field('holders.field.representative_title').fill(ja ? '代表取締役' : 'President');
        await m.field('holders.field.contact_name').fill(ja ? '佐藤 花子' : 'Hanako Sato');
        await m.field('holders.field.contact_phone').fill('03-1234-5678');
        await m.field('holders.field.contact_email').fill(`contact-${m.lang}@mihon.example`);
        // a Japanese company also gives its 法人番号 (check digit first)
        await m.field('holders.field.corporate_number').fill(ja ? '3160000000007' : '2160000000008');
        await m.clickAndLoad(m.button('holders.page.save'));
        await m.expectText(m.t('holders.page.saved'), 'the holder record is saved');
      },
    },
    {
      journey: 'manufacturer', name: 'answers the determination questions',
      async run(c) {
        const m = c.maker;
        await m.follow('/determination', 'the determination');
        for (const f of FACTS) await answer(m, f, ROUTER_FACTS[f]);
        await m.clickAndLoad(m.button('det.submit'));
        await m.expectText(m.t('det.outcome.subject_with_security'), 'the outcome "subject to the security requirements"');
        await m.expectText(m.t('det.explain.subject_with_security'), 'the outcome explained in plain language');
        for (const r of REQUIREMENTS) await m.expectText(m.t(`requirement.${r}`), `requirement ${r} listed`);
        await m.shot('manufacturer', '03-determination', m.page.getByRole('heading', { level: 2 }).first());
      },
    },
    {
      journey: 'manufacturer', name: 'files an application through the guided form',
      async run(c) {
        const m = c.maker;
        const t = m.t;
        await m.follow('/applications', 'my applications');
        await m.clickAndLoad(m.link('app.new_link'));
        await m.page.getByLabel(t('app.route_long.design'), { exact: true }).check();
        await m.field('app.model_name').fill(c.model);
        await m.field('app.type_name').fill('WR-9000');
        await m.field('app.category').selectOption({ label: t('app.category.router') });
        await m.field('app.description').fill(c.lang === 'ja' ? '家庭用ブロードバンドルータ' : 'A home broadband router');
        for (const f of FACTS) await answer(m, f, ROUTER_FACTS[f]);
        for (const r of REQUIREMENTS) {
          const group = m.page.getByRole('group', { name: new RegExp(`^${r}\\b`) });
          if (!(await group.count())) fail(`${m.where()}: no declaration fieldset for ${r}`);
          const measures = group.getByRole('radio');
          if (await measures.count()) await measures.first().check();
          await group.getByLabel(t('app.declaration_description'), { exact: true })
            .fill(c.lang === 'ja' ? `${r} を満たす方法の説明` : `How the router meets ${r}`);
        }
        await m.shot('manufacturer', '04-application-form', m.page.getByRole('heading', { name: t('app.step_declarations') }));
        await m.clickAndLoad(m.button('app.save'));
        await expectDone(m, 'created');
        await expectStatus(m, 'draft');
        c.appPath = new URL(m.page.url()).pathname;
        c.appId = c.appPath.split('/').pop();
      },
    },
    {
      journey: 'manufacturer', name: 'uploads the required documents',
      async run(c) {
        const m = c.maker;
        const t = m.t;
        const actions = m.page.getByRole('region', { name: t('app.actions_heading') });
        const missingText = await actions.innerText().catch(() => '');
        const missing = DOC_KINDS.filter((k) => missingText.split('\n').map((s) => s.trim()).includes(t(`app.kind.${k}`)));
        if (!missing.length) fail(`${m.where()}: the draft lists no missing documents under "${t('app.missing_heading')}"`);
        c.documents = [];
        for (const kind of missing) {
          await m.field('app.col_kind').selectOption(kind);
          await m.page.getByRole('radio', { name: m.t(kind === 'manual' ? 'glossary.confidentiality.public' : 'glossary.confidentiality.confidential'), exact: true }).check();
          const name = `${kind}.pdf`;
          await m.field('app.file').setInputFiles({ name, mimeType: 'application/pdf', buffer: minimalPdf(`${c.model} ${kind}`) });
          await m.clickAndLoad(m.button('app.upload'));
          await expectDone(m, 'uploaded');
          c.documents.push(name);
        }
        const after = await m.page.getByRole('region', { name: t('app.actions_heading') }).innerText();
        if (after.includes(t('app.missing_heading'))) fail(`${m.where()}: documents still listed as missing after uploading ${missing.join(', ')}:\n${after}`);
        for (const d of c.documents) await m.expectText(d, `the uploaded ${d} in the documents table`);
        await m.shot('manufacturer', '05-documents', m.page.getByRole('heading', { name: t('app.documents_heading') }));
      },
    },
    {
      journey: 'manufacturer', name: 'submits the application',
      async run(c) {
        const m = c.maker;
        await m.clickAndLoad(m.button('app.submit'));
        await expectDone(m, 'submitted');
        await expectStatus(m, 'submitted');
        await m.shot('manufacturer', '06-submitted');
      },
    },

    // ---- Journey 2, first half: examiners are made; the examiner examines and asks ----------
    {
      journey: 'examiner', name: 'the admin creates two examiners and a regulator',
      async run(c) {
        const a = c.admin;
        await a.signIn(ADMIN.email, ADMIN.password);
        await a.follow('/admin/users', 'user administration');
        for (const u of [c.examiner1, c.examiner2, c.regulatorUser]) {
          await a.field('field.email').fill(u.email);
          await a.field('signup.user_name').fill(u.name);
          await a.field('account.role_label').selectOption(u.role);
          await a.field('field.password').fill(u.password);
          await a.clickAndLoad(a.button('admin_users.submit'));
          const err = await a.page.locator('[role=alert]').allInnerTexts();
          if (err.length) fail(`creating ${u.role} ${u.email} was refused: ${err.join(' / ')}`);
          await a.expectText(u.email, `${u.email} in the list of users`);
        }
        await a.shot('examiner', '01-admin-users', a.page.getByRole('heading', { name: a.t('admin_users.list_heading') }));
      },
    },
    {
      journey: 'examiner', name: 'takes the case, records evidence and a verdict per requirement',
      async run(c) {
        const e = c.ex1;
        const t = e.t;
        await e.signIn(c.examiner1.email, c.examiner1.password);
        await e.follow('/examination', 'the examination queue');
        await e.expectText(c.model, `the new case ${c.model} in the queue`);
        await e.shot('examiner', '02-queue', e.page.getByRole('table'));
        await e.clickAndLoad(e.page.getByRole('link', { name: c.model, exact: true }));
        await e.clickAndLoad(e.button('exam.assign'));
        await expectDone(e, 'assign');
        for (const r of REQUIREMENTS) {
          let card = requirementCard(e, r);
          if (!(await card.count())) fail(`${e.where()}: no card for requirement ${r}`);
          await card.getByLabel(t('exam.procedure'), { exact: true }).fill(
            e.lang === 'ja' ? `${r}: 試験手順書 3.2 に従い確認` : `${r}: checked per test plan section 3.2`);
          await card.getByLabel(t('exam.result'), { exact: true }).fill(
            e.lang === 'ja' ? '要件を満たすことを確認した' : 'The requirement is met');
          const docs = card.getByRole('checkbox');
          if (await docs.count()) await docs.first().check();
          await answerFindings(e, card, r);
          await e.clickAndLoad(card.getByRole('button', { name: t('exam.add_evidence'), exact: true }));
          await expectDone(e, 'evidence');
          card = requirementCard(e, r);
          await card.getByLabel(t('exam.verdict'), { exact: true }).selectOption('pass');
          await card.getByLabel(t('exam.reason'), { exact: true }).fill(e.lang === 'ja' ? '試験で確認' : 'Verified by test');
          await e.clickAndLoad(card.getByRole('button', { name: t('exam.set_verdict'), exact: true }));
          await expectDone(e, 'verdict');
          const text = await requirementCard(e, r).innerText();
          if (!text.includes(t('exam.verdict.pass'))) fail(`${e.where()}: ${r} does not show the verdict "${t('exam.verdict.pass')}":\n${text}`);
        }
        await e.shot('examiner', '03-evidence-and-verdicts', requirementCard(e, 'SR-4'));
      },
    },
    {
      journey: 'examiner', name: 'requests information from the applicant',
      async run(c) {
        const e = c.ex1;
        c.question = e.lang === 'ja' ? 'ファームウェア更新の署名鍵の保管方法を説明してください。' : 'How is the firmware signing key stored?';
        await e.field('exam.info_message').fill(c.question);
        await e.clickAndLoad(e.button('exam.info_send'));
        await expectDone(e, 'info-request');
        await expectStatus(e, 'info_requested');
        await e.expectText(c.question, 'the question under requests for information');
        await e.shot('examiner', '04-info-request', e.page.getByRole('heading', { name: e.t('exam.info_heading') }));
      },
    },

    // ---- Journey 1, end: the manufacturer answers ------------------------------------------
    {
      journey: 'manufacturer', name: 'answers the request for information',
      async run(c) {
        const m = c.maker;
        await m.follow('/applications', 'my applications');
        await m.clickAndLoad(m.page.getByRole('link', { name: c.model, exact: true }));
        await expectStatus(m, 'info_requested');
        await m.expectText(c.question, 'the examiner\'s question');
        // A supporting document first (the form says: upload documents above first).
        await m.field('app.col_kind').selectOption('evidence');
        await m.field('app.file').setInputFiles({ name: 'key-storage.pdf', mimeType: 'application/pdf', buffer: minimalPdf('key storage') });
        await m.clickAndLoad(m.button('app.upload'));
        await expectDone(m, 'uploaded');
        await m.field('app.answer_label').fill(m.lang === 'ja' ? '署名鍵は HSM に保管し、二人の承認で使用します。' : 'The signing key is kept in an HSM and used only with two approvals.');
        await m.shot('manufacturer', '07-answer', m.page.getByRole('heading', { name: m.t('app.info_requests_heading') }));
        await m.clickAndLoad(m.button('app.send_answer'));
        await expectDone(m, 'answered');
        await expectStatus(m, 'in_review');
      },
    },

    // ---- Journey 2, end: proposal, second examiner, certificate ----------------------------
    {
      journey: 'examiner', name: 'sees the answer and proposes a grant',
      async run(c) {
        const e = c.ex1;
        await e.goto(`/examination/${c.appId}`);
        await expectStatus(e, 'in_review');
        await e.expectText(e.lang === 'ja' ? 'HSM' : 'HSM', 'the applicant\'s answer');
        await e.page.getByRole('radio', { name: e.t('exam.decision.grant'), exact: true }).check();
        await e.field('exam.reason_required').fill(e.lang === 'ja' ? 'すべての要件を満たす' : 'Every requirement is met');
        await e.clickAndLoad(e.button('exam.propose'));
        await expectDone(e, 'proposal');
        await expectStatus(e, 'proposed');
        await e.shot('examiner', '05-proposed', e.page.getByRole('heading', { name: e.t('exam.proposals_heading') }));
      },
    },
    {
      journey: 'examiner', name: 'a second examiner approves; the certificate verifies',
      async run(c) {
        const e = c.ex2;
        await e.signIn(c.examiner2.email, c.examiner2.password);
        await e.follow('/examination', 'the examination queue');
        await e.clickAndLoad(e.page.getByRole('link', { name: c.model, exact: true }));
        await e.page.getByRole('radio', { name: e.t('exam.approve'), exact: true }).check();
        await e.field('exam.comment').fill(e.lang === 'ja' ? '確認しました' : 'Checked');
        await e.shot('examiner', '06-review', e.button('exam.review_submit'));
        await e.clickAndLoad(e.button('exam.review_submit'));
        await expectDone(e, 'review');
        await expectStatus(e, 'granted');
        const certLink = e.page.getByRole('link', { name: PLAIN_NUMBER_RE });
        if (!(await certLink.count())) fail(`${e.where()}: the granted case shows no certificate link`);
        const plain = (await certLink.first().innerText()).trim();
        await e.clickAndLoad(certLink.first());
        const shown = e.page.getByText(NUMBER_RE).first();
        if (!(await shown.count())) fail(`${e.where()}: the certificate page shows no number like "T D26-0001001":\n${await e.mainText()}`);
        const number = (await shown.innerText()).match(NUMBER_RE)[0];
        if (!number.endsWith(plain)) fail(`${e.where()}: the certificate page shows ${number}, the case linked ${plain}`);
        c.certNumber = number;
        c.certPath = new URL(e.page.url()).pathname;
        await e.expectText(c.model, 'the model on the certificate');
        await e.expectText(e.t('cert.verified'), `"${e.t('cert.verified')}" (the signature verifies)`);
        await e.shot('examiner', '07-certificate');
      },
    },

    {
      journey: 'examiner', name: 'downloads the certificate PDF and the mark from the certificate page',
      async run(c) {
        const e = c.ex2;
        const plain = c.certNumber.match(PLAIN_NUMBER_RE)[0];
        // The mark is drawn, not a circled T in text.
        const img = e.page.locator(`main img[src$="/${plain}/mark.svg"]`).first();
        if (!(await img.count())) fail(`${e.where()}: the certificate page shows no mark image`);
        const drawn = await img.evaluate((el) => el.complete && el.naturalWidth > 0);
        if (!drawn) fail(`${e.where()}: the mark image did not load`);
        if ((await e.mainText()).includes('\u24c9')) fail(`${e.where()}: the page still shows a circled T`);
        await e.expectText(e.t('mark.min_size'), 'the minimum size of the mark');
        const fetchDownload = async (key) => {
          const link = e.link(key);
          if (!(await link.count())) fail(`${e.where()}: no "${e.t(key)}" link`);
          const [download] = await Promise.all([e.page.waitForEvent('download'), link.click()]);
          return { name: download.suggestedFilename(), bytes: require('fs').readFileSync(await download.path()) };
        };
        const pdf = await fetchDownload('mark.download_pdf');
        if (pdf.bytes.subarray(0, 5).toString('latin1') !== '%PDF-') fail(`the certificate PDF does not start with %PDF-: ${pdf.bytes.subarray(0, 8).toString('hex')}`);
        if (pdf.name !== `${plain}-certificate.pdf`) fail(`the certificate PDF is named ${pdf.name}`);
        const mark = await fetchDownload('mark.download_mark');
        const svg = mark.bytes.toString('utf8');
        if (!svg.includes('<svg') || !svg.includes(`>${plain}</text>`)) fail(`the mark download is not the SVG of ${plain}: ${svg.slice(0, 200)}`);
        await e.shot('examiner', '08-certificate-downloads', e.page.getByRole('heading', { name: e.t('mark.downloads') }));
      },
    },

    // ---- Journey 2, issue 15: outside certification; equivalence per requirement ------------
    {
      journey: 'manufacturer', name: 'files white goods that never leave the router, and a router with a CC certificate',
      async run(c) {
        const m = c.maker;
        c.fridgeModel = `E2E Fridge ${c.lang.toUpperCase()} ${c.id}`;
        c.ccModel = `E2E Gateway ${c.lang.toUpperCase()} ${c.id}`;
        c.fridgeId = await fileCase(m, c, {
          model: c.fridgeModel, category: 'other',
          facts: { ...ROUTER_FACTS, always_via_certified_equipment: true },
        });
        await expectStatus(m, 'submitted');
        await m.expectText(m.t('det.outcome.not_subject'), 'the determination "not subject" on the filed case');
        c.ccAppId = await fileCase(m, c, { model: c.ccModel, category: 'router', facts: ROUTER_FACTS });
        await expectStatus(m, 'submitted');
      },
    },
    {
      journey: 'examiner', name: 'closes the not_subject case as not required (four eyes, no certificate)',
      async run(c) {
        const e = c.ex1;
        const t = e.t;
        await e.follow('/examination', 'the examination queue');
        await e.clickAndLoad(e.page.getByRole('link', { name: c.fridgeModel, exact: true }));
        await e.clickAndLoad(e.button('exam.assign'));
        await expectDone(e, 'assign');
        await e.expectText(t('det.outcome.not_subject'), 'the determination "not subject"');
        // The manual carries both of the report's statements (2020 rule set).
        await e.expectText(t('determination.statement.connect_through_certified_equipment'), 'the first manual statement');
        await e.expectText(t('determination.statement.carrier_inspection_for_direct_connection'), 'the carrier-inspection statement');
        if (await e.page.getByRole('radio', { name: t('exam.decision.grant'), exact: true }).count()) {
          fail(`${e.where()}: a grant is offered for equipment outside certification`);
        }
        await e.page.getByRole('radio', { name: t('exam.decision.not_required'), exact: true }).check();
        await e.field('exam.reason_required').fill(e.lang === 'ja' ? '常にルータの背後で使用され、屋外に持ち出されない' : 'Always behind the home router, never taken outside');
        await e.clickAndLoad(e.button('exam.propose'));
        await expectDone(e, 'proposal');
        await expectStatus(e, 'proposed');
        const r = c.ex2;
        await approve(r, c.fridgeId, r.lang === 'ja' ? '対象外を確認' : 'Outside certification: confirmed');
        await expectStatus(r, 'closed_not_required');
        if (await r.page.getByRole('link', { name: PLAIN_NUMBER_RE }).count()) fail(`${r.where()}: a case closed as not required links a certificate`);
        await r.shot('examiner', '09-closed-not-required');
      },
    },
    {
      journey: 'examiner', name: 'grants a router through CC equivalence for SR-1 and SR-3, SR-2 and SR-4 tested',
      async run(c) {
        const a = c.admin;
        const ccName = `E2E Gateway OS ${c.lang.toUpperCase()} ${c.id}`;
        const csv = 'Category,Name,Manufacturer,Scheme,Assurance Level,Protection Profile(s),Certification Date,'
          + 'Archived Date,Certification Report URL,Security Target URL,Maintenance Date,Maintenance Title,'
          + `Maintenance Report,Maintenance ST\r\nNetwork Devices,${ccName},${c.org},JP,EAL2+ ALC_FLR.1,None,`
          + '04/01/2024,04/01/2099,https://example.org/r.pdf,https://example.org/st.pdf,,,,\r\n';
        await a.goto('/cc-certificates/import');
        await a.field('cc.import.file').setInputFiles({ name: 'cc.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await a.clickAndLoad(a.button('cc.import.submit'));
        const e = c.ex1;
        const t = e.t;
        await e.goto(`/cc-certificates?q=${encodeURIComponent(ccName)}`);
        await e.clickAndLoad(e.page.getByRole('link', { name: ccName, exact: true }));
        await e.expectText(t('cc.ccra_information'), 'CCRA recognition labelled as information');
        const ccId = new URL(e.page.url()).pathname.split('/').pop();
        await e.goto(`/examination/${c.ccAppId}`);
        await e.clickAndLoad(e.button('exam.assign'));
        await expectDone(e, 'assign');
        for (const r of ['SR-2', 'SR-4']) await testRequirement(e, r);
        const eq = e.page.getByRole('region', { name: t('examination.page.equivalence_heading'), exact: true });
        if (!(await eq.count())) fail(`${e.where()}: no "${t('examination.page.equivalence_heading')}" section`);
        await eq.getByLabel(t('exam.cc_id'), { exact: true }).fill(ccId);
        c.mapSR1 = e.lang === 'ja' ? 'FIA_UAU.2: 管理操作の前に認証' : 'FIA_UAU.2: authentication before any administration';
        c.mapSR3 = e.lang === 'ja' ? 'FPT_TUD_EXT.1: 高信頼アップデート' : 'FPT_TUD_EXT.1: trusted update';
        await eq.getByLabel(new RegExp('^SR-1 ')).fill(c.mapSR1);
        await eq.getByLabel(new RegExp('^SR-3 ')).fill(c.mapSR3);
        await eq.getByLabel(t('exam.rationale'), { exact: true }).fill(e.lang === 'ja' ? '製造者、製品、版がTOEと一致' : 'Manufacturer, product and version match the TOE');
        // issue 20: accepting asks for a confirmation that the covered verdicts are replaced
        await eq.getByLabel(t('glossary.exam.eq_confirm'), { exact: true }).check();
        await e.clickAndLoad(eq.getByRole('button', { name: t('exam.equivalence_record'), exact: true }));
        await expectDone(e, 'equivalence');
        for (const [r, text] of [['SR-1', c.mapSR1], ['SR-3', c.mapSR3]]) {
          const card = await requirementCard(e, r).innerText();
          if (!card.includes(t('exam.verdict.met_by_equivalence')) || !card.includes(text)) {
            fail(`${e.where()}: ${r} does not show "${t('exam.verdict.met_by_equivalence')}" with its mapping:\n${card}`);
          }
        }
        for (const r of ['SR-2', 'SR-4']) {
          const card = await requirementCard(e, r).innerText();
          if (!card.includes(t('exam.verdict.pass'))) fail(`${e.where()}: ${r} lost its tested verdict:\n${card}`);
        }
        await e.shot('examiner', '10-equivalence-per-requirement', eq);
        await e.page.getByRole('radio', { name: t('exam.decision.grant'), exact: true }).check();
        await e.field('exam.reason_required').fill(e.lang === 'ja' ? 'SR-1、SR-3は同等以上、SR-2、SR-4は試験で確認' : 'SR-1 and SR-3 by equivalence, SR-2 and SR-4 tested');
        await e.clickAndLoad(e.button('exam.propose'));
        await expectDone(e, 'proposal');
        const r = c.ex2;
        await r.goto(`/examination/${c.ccAppId}`);
        // The reviewing examiner sees every mapping before approving.
        await r.expectText(c.mapSR1, 'the SR-1 mapping');
        await r.expectText(c.mapSR3, 'the SR-3 mapping');
        await approve(r, c.ccAppId, r.lang === 'ja' ? '対応付けを確認' : 'Mappings checked');
        await expectStatus(r, 'granted');
      },
    },
    // ---- Journey 1, after the grant: a name addition (issue 16) ----------------------------
    {
      journey: 'manufacturer', name: 'files a name addition',
      async run(c) {
        const m = c.maker;
        const ja = m.lang === 'ja';
        await m.goto(c.certPath);
        await m.clickAndLoad(m.link('changes.page.file_change'));
        await m.field('changes.field.kind').selectOption('name_addition');
        await m.field('changes.field.summary').fill(ja ? '同一設計のOEM型式名の追加' : 'An OEM name for the same design');
        c.oemModel = `${c.model} OEM`;
        await m.field('changes.field.model_name').fill(c.oemModel);
        await m.shot('manufacturer', '08-change-form', m.field('changes.field.model_name'));
        await m.clickAndLoad(m.button('changes.form.file'));
        await expectDone(m, 'submitted');
        await expectStatus(m, 'submitted');
        await m.expectText(m.t('changes.case.heading'), 'the change section of the case');
        await m.expectText(c.oemModel, 'the added model name');
        await m.shot('manufacturer', '09-change-filed', m.page.getByRole('heading', { name: m.t('changes.case.heading'), exact: false }));
      },
    },

    // ---- Journey 3: the regulator ----------------------------------------------------------
    {
      journey: 'regulator', name: 'searches and filters the register',
      async run(c) {
        const g = c.reg;
        const t = g.t;
        await g.signIn(c.regulatorUser.email, c.regulatorUser.password);
        await g.follow('/certificates', 'the certificate search');
        await g.field('registry.field.q').fill(c.model);
        await g.clickAndLoad(g.button('registry.search.submit'));
        await g.expectText(c.model, `${c.model} in the results`);
        await g.field('registry.field.status').selectOption('granted');
        await g.field('registry.field.category').selectOption('router');
        await g.clickAndLoad(g.button('registry.search.submit'));
        const row = g.page.getByRole('row').filter({ hasText: c.model });
        if ((await row.count()) !== 1) fail(`${g.where()}: expected one row for ${c.model} after filtering, found ${await row.count()}`);
        const rowText = await row.innerText();
        if (!rowText.includes(t('registry.status.granted'))) fail(`${g.where()}: the row does not say "${t('registry.status.granted')}": ${rowText}`);
        await g.shot('regulator', '01-search', g.page.getByRole('table'));
        c.searchPath = g.where();
      },
    },
    {
      journey: 'regulator', name: 'opens the certificate and downloads the CSV export',
      async run(c) {
        const g = c.reg;
        const row = g.page.getByRole('row').filter({ hasText: c.model });
        await g.clickAndLoad(row.getByRole('link', { name: PLAIN_NUMBER_RE }).first());
        await g.expectText(c.certNumber, `the certificate number ${c.certNumber}`);
        await g.expectText(g.t('cert.verified'), 'the signature verifies');
        await g.shot('regulator', '02-certificate');
        await g.goto(c.searchPath);
        const link = g.link('registry.export.csv');
        if (!(await link.count())) fail(`${g.where()}: no "${g.t('registry.export.csv')}" export link for the regulator`);
        const [download] = await Promise.all([g.page.waitForEvent('download'), link.click()]);
        const file = await download.path();
        const bytes = require('fs').readFileSync(file);
        if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) {
          fail(`the CSV export does not start with the UTF-8 BOM: first bytes ${bytes.subarray(0, 8).toString('hex')}`);
        }
        const text = bytes.subarray(3).toString('utf8');
        const header = text.split(/\r?\n/)[0].split(',');
        // Issue 20: the page's link asks for a CSV for people: Japanese column titles on a
        // Japanese page (the API's field names otherwise) and values in words, not codes.
        for (const field of ['number', 'manufacturer', 'model_name', 'status']) {
          const col = g.lang === 'ja' ? g.t(`glossary.csv.col.${field}`) : field;
          if (!header.includes(col)) fail(`the CSV header lacks "${col}": ${header.join(',')}`);
        }
        if (!text.includes(g.t('cert.status.granted'))) fail(`the CSV export does not say the status in words ("${g.t('cert.status.granted')}")`);
        if (!text.includes(c.model)) fail(`the CSV export does not hold ${c.model}`);
        if (!/\r\n/.test(text)) fail('the CSV export does not end its lines with CRLF (RFC 4180)');
        c.csvName = download.suggestedFilename();
      },
    },
    {
      journey: 'regulator', name: 'reads the statistics; the table reads on a phone',
      async run(c) {
        const g = c.reg;
        await g.goto('/stats');
        await g.expectText(g.t('registry.stats.heading'), 'the statistics heading');
        await g.shot('regulator', '03-stats');
        if (c.lang === 'ja' || c.phoneShotAlways) {
          // The search results on a 390 px wide phone: the table must scroll inside its own box,
          // not widen the page.
          const phone = await c.newActor('phone', c.lang, { width: 390, height: 844 });
          await phone.signIn(c.regulatorUser.email, c.regulatorUser.password);
          await phone.goto(c.searchPath);
          const widths = await phone.page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
          if (widths.doc > widths.win + 1) fail(`${c.searchPath} at 390 px: the page is ${widths.doc} px wide (wider than the screen); tables must scroll in their own box`);
          await phone.shot('regulator', '04-phone-search', phone.page.getByRole('table'));
        }
      },
    },
    // ---- Journey 3 (issue 17): market surveillance to a regulatory order ------------------
    {
      journey: 'regulator', name: 'opens a surveillance case on the certificate',
      async run(c) {
        const g = c.reg;
        const t = g.t;
        await g.follow('/surveillance', 'the surveillance cases');
        await g.expectText(t('surveillance.list.heading'), 'the surveillance heading');
        await g.field('surveillance.open.certificate').fill(c.certNumber);
        await g.field('surveillance.open.product').fill(`${c.model} (${t('surveillance.event.record_purchase')})`);
        await g.field('surveillance.open.summary').fill(c.lang === 'ja'
          ? '全台で同じ初期パスワードが使われているとの通報'
          : 'A report says every unit ships with the same default password');
        await g.clickAndLoad(g.button('surveillance.open.submit'));
        const h1 = await g.page.getByRole('heading', { level: 1 }).innerText();
        if (!h1.includes(t('surveillance.status.open'))) fail(`${g.where()}: the new case does not read "${t('surveillance.status.open')}": ${h1}`);
        c.casePath = new URL(g.page.url()).pathname;
        await g.shot('regulator', '05-surveillance-case');
      },
    },
    {
      journey: 'regulator', name: 'records a failed test',
      async run(c) {
        const g = c.reg;
        const t = g.t;
        const form = g.page.getByRole('region', { name: t('surveillance.test.heading'), exact: true });
        if (!(await form.count())) fail(`${g.where()}: no "${t('surveillance.test.heading')}" form`);
        await form.getByLabel(t('surveillance.test.requirement'), { exact: true }).fill('SR-1');
        await form.getByLabel(t('surveillance.test.verdict'), { exact: true }).selectOption('fail');
        await form.getByLabel(t('surveillance.test.evidence'), { exact: true }).fill('admin/admin accepted on SN-0042; photo sv-1.jpg');
        await form.getByLabel(t('surveillance.internal_note'), { exact: true }).fill(`INTERNAL-NOTE-e2e-${c.id}`);
        await g.clickAndLoad(g.button('surveillance.test.submit'));
        await expectDone(g, 'test');
        await g.expectText(t('surveillance.verdict.fail'), 'the failed verdict in the steps');
      },
    },
    {
      journey: 'regulator', name: 'issues an order; the public page shows the certificate suspended',
      async run(c) {
        const g = c.reg;
        const t = g.t;
        const form = g.page.getByRole('region', { name: t('surveillance.order.heading'), exact: true });
        if (!(await form.count())) fail(`${g.where()}: no "${t('surveillance.order.heading')}" form`);
        await form.getByLabel(t('surveillance.order.kind'), { exact: true }).selectOption('display_prohibition');
        await form.getByLabel(t('surveillance.order.reference'), { exact: true }).fill(`MIC-E2E-${c.id}`);
        await form.getByLabel(t('surveillance.order.action'), { exact: true }).selectOption('suspend');
        await form.getByLabel(t('surveillance.order.reason'), { exact: true }).fill(c.lang === 'ja'
          ? '市場調査で SR-1 の不適合を確認'
          : 'Market surveillance found SR-1 not met');
        await form.getByLabel(t('surveillance.internal_note'), { exact: true }).fill(`INTERNAL-NOTE-order-${c.id}`);
        await g.clickAndLoad(g.button('surveillance.order.submit'));
        await expectDone(g, 'order');
        const h1 = await g.page.getByRole('heading', { level: 1 }).innerText();
        if (!h1.includes(t('surveillance.status.closed_order'))) fail(`${g.where()}: the case does not read "${t('surveillance.status.closed_order')}": ${h1}`);
        await g.shot('regulator', '06-surveillance-order');
        // The public, signed out: the certificate page says suspended, with no internal note.
        const pub = await c.newActor('public', c.lang);
        await pub.goto(c.certPath);
        await pub.expectText(pub.t('registry.status.suspended'), 'the suspended status on the public page');
        const text = await pub.mainText();
        if (text.includes('INTERNAL-NOTE')) fail(`${pub.where()}: the public page shows an internal note`);
        if (text.includes(c.regulatorUser.name)) fail(`${pub.where()}: the public page names the regulator`);
        await pub.shot('regulator', '07-public-suspended');
      },
    },
  ];
}

module.exports = { steps, PASSWORD, ADMIN };
