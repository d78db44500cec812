#!/usr/bin/env node
'use strict';
// giteki end-to-end tests: the three journeys of issue 9 in a real browser (Debian's
// chromium through playwright-core), once in Japanese and once in English, with axe-core on
// every page visited. See tests/README.md (tier e2e).
//
// usage: node run.js --base-url URL [--database-url CONNINFO] [--lang ja,en] [--only TEXT]
//                    [--screenshots DIR] [--artifacts DIR] [--strict-nav] [--timeout MS]
//   --base-url      the running server (also GITEKI_BASE_URL)
//   --database-url  the server's database; recorded in the log only: the journeys go through
//                   the pages like people do and never touch the database behind the server
//   --lang          languages to run (default ja,en)
//   --only TEXT     run only the steps whose "journey: name" contains TEXT (later steps of a
//                   journey need the earlier ones, so this is for the independent ones)
//   --screenshots   where the PNGs for docs/user-guide.md go (default docs/screenshots;
//                   "none" takes none)
//   --artifacts     where a failing step leaves its page (PNG + HTML) (default var/test-logs/e2e)
//   --html DIR      keep the HTML of every page visited in DIR and check it with the Nu HTML
//                   Checker (vnu-jar, Java) at the end: any error fails the run
//   --strict-nav    a page without a link to where the journey goes next fails (the default; --lax-nav warns)
// Prints one ok/FAIL/skip line per step and ends with "N passed, N failed, N skipped".
// Exit status 0 only when every step passed.

const fs = require('fs');
const path = require('path');
const { launch, loadMessages, Actor, StepError, ROOT } = require('./lib/harness');
const { steps, ADMIN, PASSWORD } = require('./journeys');
const { keyboardStep } = require('./keyboard');
const { uxSteps } = require('./checks');

function parseArgs(argv) {
  const o = {
    baseUrl: process.env.GITEKI_BASE_URL || '',
    databaseUrl: process.env.GITEKI_DATABASE_URL || '',
    langs: ['ja', 'en'],
    only: '',
    screenshots: path.join(ROOT, 'docs', 'screenshots'),
    artifacts: path.join(ROOT, 'var', 'test-logs', 'e2e'),
    html: '',
    strictNav: true,
    timeout: 15000,
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--base-url': o.baseUrl = v(); break;
      case '--database-url': o.databaseUrl = v(); break;
      case '--lang': o.langs = v().split(',').filter(Boolean); break;
      case '--only': o.only = v(); break;
      case '--screenshots': o.screenshots = v(); break;
      case '--artifacts': o.artifacts = v(); break;
      case '--html': o.html = v(); break;
      case '--strict-nav': o.strictNav = true; break;
      case '--lax-nav': o.strictNav = false; break;
      case '--timeout': o.timeout = Number(v()); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!o.baseUrl) usage('--base-url is required');
  for (const l of o.langs) if (!['ja', 'en'].includes(l)) usage(`unknown language ${l}`);
  o.baseUrl = o.baseUrl.replace(/\/+$/, '');
  if (o.screenshots === 'none') o.screenshots = '';
  return o;
}

function usage(msg) {
  const text = fs.readFileSync(__filename, 'utf8').split('\n').slice(5, 20)
    .map((l) => l.replace(/^\/\/ ?/, '')).join('\n');
  if (msg) {
    process.stderr.write(`error: ${msg}\n${text}\n`);
    process.exit(2);
  }
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

// The Nu HTML Checker (vnu-jar from npm, run by Debian's Java) on the pages the journeys
// kept: true when it finds no error. Warnings are listed, not failures.
function nuCheck(dir) {
  const { spawnSync } = require('child_process');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.html')) : [];
  if (!files.length) {
    console.log(`\nNu HTML Checker: no page was kept in ${dir}`);
    return false;
  }
  const jar = String(require('vnu-jar'));
  const r = spawnSync('java', ['-jar', jar, '--format', 'json', '--skip-non-html', dir],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) {
    console.log(`\nNu HTML Checker: cannot run java (Debian package default-jre-headless): ${r.error.message}`);
    return false;
  }
  let messages;
  try {
    messages = JSON.parse(r.stderr || r.stdout).messages;
  } catch (e) {
    console.log(`\nNu HTML Checker: unreadable output (exit ${r.status}):\n${(r.stderr || '').slice(0, 2000)}`);
    return false;
  }
  const errors = messages.filter((m) => m.type === 'error' || m.type === 'non-document-error');
  const warnings = messages.filter((m) => m.type === 'info' && m.subType === 'warning');
  const show = (m) => `  ${path.basename(m.url || '')}:${m.lastLine || '?'}: ${m.message}` +
    (m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').slice(0, 160)}` : '');
  console.log(`\nNu HTML Checker: ${files.length} pages, ${errors.length} errors, ${warnings.length} warnings`);
  for (const m of errors) console.log(show(m));
  if (warnings.length) {
    console.log('warnings (not failures):');
    for (const m of warnings) console.log(show(m));
  }
  return errors.length === 0;
}

function secs(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

async function main() {
  const opts = parseArgs(process.argv);
  const t0 = Date.now();
  if (opts.screenshots) fs.mkdirSync(opts.screenshots, { recursive: true });
  fs.rmSync(opts.artifacts, { recursive: true, force: true });
  fs.mkdirSync(opts.artifacts, { recursive: true });
  // Without a Japanese font the ja pages still pass (the text is there), but their
  // screenshots show empty boxes: say so (scripts/lib.sh installs fonts-noto-cjk).
  try {
    const ja = require('child_process').execFileSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
    if (!ja.trim()) console.log('warning: no Japanese font (fc-list :lang=ja is empty): install fonts-noto-cjk');
  } catch (e) {
    console.log('warning: fc-list not found: cannot check for a Japanese font');
  }
  const { browser } = await launch();
  console.log(`chromium ${browser.version()} against ${opts.baseUrl}` +
    (opts.databaseUrl ? ` (database ${opts.databaseUrl})` : ''));

  const run = {
    browser,
    baseUrl: opts.baseUrl,
    timeoutMs: opts.timeout,
    strictNav: opts.strictNav,
    screenshotDir: opts.screenshots,
    messages: { ja: loadMessages('ja'), en: loadMessages('en') },
    visited: new Set(),
    shots: [],
    warnings: [],
    notes: new Set(),
    axeRuns: 0,
    htmlDir: opts.html,
    warn(m) { if (!this.warnings.includes(m)) this.warnings.push(m); },
    note(m) { this.notes.add(m); },
    // A failure that does not stop the journey (accessibility, browser errors): the step
    // fails at its end, the next steps still run.
    softFailures: [],
    soft(m) { if (!this.softFailures.includes(m)) this.softFailures.push(m); },
  };
  // A run id keeps e-mail addresses and model names unique, so the journeys also run against
  // a database that already holds data (scripts/run's demo).
  const id = Date.now().toString(36);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const failures = [];

  for (const lang of opts.langs) {
    const actors = [];
    const newActor = async (name, l, viewport) => {
      const a = await new Actor(run, name, l || lang).open(viewport);
      actors.push(a);
      return a;
    };
    const who = (role, n) => ({
      role,
      email: `${role}${n}-${lang}-${id}@e2e.test`,
      name: lang === 'ja' ? `${{ examiner: '審査', regulator: '総務' }[role]} ${n}号 (${id})` : `${role} ${n} (${id})`,
      password: PASSWORD,
    });
    const c = {
      lang,
      id,
      newActor,
      org: `E2E Denki ${lang.toUpperCase()} ${id}`,
      model: `E2E Router ${lang.toUpperCase()} ${id}`,
      makerEmail: `maker-${lang}-${id}@e2e.test`,
      examiner1: who('examiner', 1),
      examiner2: who('examiner', 2),
      regulatorUser: who('regulator', 1),
    };
    const ux = uxSteps(steps()); // issue 20 part A (checks.js)
    const chain = ux.chain;
    const independent = [keyboardStep(ADMIN), ...ux.independent];
    let broken = null;
    for (const step of [...chain, ...independent]) {
      const label = `${lang} ${step.journey}: ${step.name}`;
      if (opts.only && !label.includes(opts.only)) continue;
      const inChain = chain.includes(step);
      if (inChain && broken) {
        counts.skipped++;
        console.log(`skip  ${label}  (needs: ${broken})`);
        continue;
      }
      const s0 = Date.now();
      try {
        if (!c.maker) {
          c.maker = await newActor('maker');
          c.admin = await newActor('admin');
          c.ex1 = await newActor('examiner1');
          c.ex2 = await newActor('examiner2');
          c.reg = await newActor('regulator');
        }
        run.softFailures = [];
        await step.run(c);
        if (run.softFailures.length) {
          const soft = run.softFailures.splice(0);
          counts.failed++;
          failures.push(label);
          console.log(`FAIL  ${label}  (${secs(Date.now() - s0)}; the journey went on)\n      ${soft.join('\n').replace(/\n/g, '\n      ')}`);
        } else {
          counts.passed++;
          console.log(`ok    ${label}  (${secs(Date.now() - s0)})`);
        }
      } catch (err) {
        counts.failed++;
        if (inChain) broken = `${step.journey}: ${step.name}`;
        let msg = err instanceof StepError ? err.message : (err && err.stack) || String(err);
        // What went wrong on the way there comes first: often the cause (a field without its
        // label fails axe, then the step cannot find the field by that label).
        const soft = run.softFailures.splice(0);
        if (soft.length) msg = `${soft.join('\n')}\n${msg}`;
        console.log(`FAIL  ${label}  (${secs(Date.now() - s0)})\n      ${msg.replace(/\n/g, '\n      ')}`);
        failures.push(label);
        await keepEvidence(opts.artifacts, `${lang}-${step.journey}-${step.name}`, actors);
      }
    }
    for (const a of actors) await a.close().catch(() => {});
  }
  await browser.close();

  console.log(`\npages checked with axe-core: ${run.axeRuns} (distinct: ${run.visited.size})`);
  for (const v of [...run.visited].sort()) console.log(`  ${v}`);
  if (run.notes.size) {
    console.log('\nminor/moderate accessibility findings (not failures):');
    for (const n of run.notes) console.log(`  ${n}`);
  }
  if (run.warnings.length) {
    console.log('\nwarnings:');
    for (const w of run.warnings) console.log(`  ${w}`);
  }
  if (run.shots.length) console.log(`\nscreenshots: ${run.shots.length} in ${path.relative(ROOT, opts.screenshots) || opts.screenshots}`);
  if (opts.html && !nuCheck(opts.html)) {
    counts.failed++;
    failures.push('Nu HTML Checker');
  }
  if (failures.length) console.log(`\nfailed: ${failures.join('; ')}\nevidence of failing pages: ${opts.artifacts}`);
  console.log(`\ne2e time ${secs(Date.now() - t0)}`);
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  process.exit(counts.failed || counts.skipped ? 1 : 0);
}

// The page each actor was on when a step failed: a PNG and the HTML, for a look afterwards.
async function keepEvidence(dir, what, actors) {
  const base = what.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);
  for (const a of actors) {
    if (!a.page || a.page.isClosed() || a.page.url() === 'about:blank') continue;
    try {
      await a.page.screenshot({ path: path.join(dir, `${base}-${a.name}.png`), fullPage: true });
      fs.writeFileSync(path.join(dir, `${base}-${a.name}.html`), `<!-- ${a.page.url()} -->\n${await a.page.content()}`);
    } catch (e) {
      /* the page may be gone; the message above says what failed */
    }
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
});
