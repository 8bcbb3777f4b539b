#!/usr/bin/env node
// Runs every test suite of the monorepo (Jest, go test, Playwright), prints each suite's own
// output, lists the skipped tests, and ends with one line of totals: "N passed, N failed"
// (docs/contracts.md §6). A suite whose package.json, go.mod or script is missing, or whose
// toolchain is not installed, counts as failed; the summary is printed whatever happens.
// Usage: node scripts/test-all.mjs [--no-build] [--root DIR --suites FILE.json] [suite-name ...]
//   --root / --suites: run another tree's suites (the runner's own tests use a small fixture).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (!v || v.startsWith('--')) {
    console.error(`test-all: ${name} needs a value`);
    process.exit(2);
  }
  argv.splice(i, 2);
  return v;
};
const root = path.resolve(option('--root') ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const suitesFile = option('--suites');
const skipBuild = argv.includes('--no-build');
for (const a of argv.filter((x) => x.startsWith('--'))) {
  if (a !== '--no-build') {
    console.error(`test-all: unknown option ${a} (known: --no-build, --root DIR, --suites FILE)`);
    process.exit(2);
  }
}
const only = argv.filter((a) => !a.startsWith('--'));
const resultsDir = path.join(root, '.test-results');

/** The suites, in the order they run. `kind` says how to read the results. */
const suites = suitesFile
  ? JSON.parse(readFileSync(suitesFile, 'utf8'))
  : [
      { name: 'simulator', dir: 'simulator', kind: 'jest' },
      { name: 'datasource-backend', dir: 'datasource-plugin', kind: 'go' },
      { name: 'datasource-backend-fuzz', dir: 'datasource-plugin', kind: 'script', script: 'test:fuzz' },
      { name: 'datasource-frontend', dir: 'datasource-plugin', kind: 'jest' },
      { name: 'app-plugin', dir: 'app-plugin', kind: 'jest' },
      { name: 'alert-relay', dir: 'alert-relay', kind: 'jest' },
      { name: 'packages', dir: '.', kind: 'script', script: 'test:package' },
      { name: 'e2e', dir: 'e2e', kind: 'playwright' },
    ];
const unknown = only.filter((n) => !suites.some((s) => s.name === n));
if (unknown.length) {
  console.error(`test-all: no suite named ${unknown.join(', ')} (known: ${suites.map((s) => s.name).join(', ')})`);
  process.exit(2);
}

/** Runs a command; a command that cannot start (not installed) resolves with `missing`. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    let child;
    let out = '';
    let failedToStart = null;
    try {
      child = spawn(cmd, args, { stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', ...opts });
    } catch (e) {
      return resolve({ code: 127, out, missing: `${cmd}: ${e.message}` });
    }
    child.on('error', (e) => {
      failedToStart = e.code === 'ENOENT' ? `${cmd} is not installed (not on PATH)` : `${cmd}: ${e.message}`;
    });
    if (opts.capture) {
      child.stdout.on('data', (d) => {
        out += d;
        opts.onData?.(d);
      });
    }
    child.on('close', (code) => resolve({ code: code ?? 1, out, missing: failedToStart }));
  });
}

function pkgScripts(dir) {
  const f = path.join(root, dir, 'package.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')).scripts ?? {}) : null;
}

/** What a suite needs in the checkout; the first thing missing, or null. */
function missingPart(s) {
  const scripts = pkgScripts(s.dir);
  if (!scripts) return `${s.dir}/package.json is missing`;
  if (s.kind === 'go' && !existsSync(path.join(root, s.dir, 'go.mod'))) return `${s.dir}/go.mod is missing`;
  const script = s.kind === 'script' ? s.script : s.kind === 'go' ? null : 'test';
  if (script && !scripts[script]) return `${s.dir}/package.json has no "${script}" script`;
  return null;
}

async function runJest(s) {
  const out = path.join(resultsDir, `${s.name}.json`);
  const { code, missing } = await run('npm', ['run', 'test', '--', '--ci', '--json', `--outputFile=${out}`], {
    cwd: path.join(root, s.dir),
  });
  if (missing) return { passed: 0, failed: 1, skipped: [], note: missing };
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: [], note: `jest exited ${code} without results` };
  const r = JSON.parse(readFileSync(out, 'utf8'));
  const skipped = [];
  for (const file of r.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (['pending', 'skipped', 'todo', 'disabled'].includes(t.status)) {
        skipped.push(`${path.relative(root, file.name)}: ${t.fullName} (${t.status})`);
      }
    }
  }
  // A suite that failed to load counts as a failure even though it reports no failed test.
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  return { passed: r.numPassedTests, failed: failed || (code !== 0 ? 1 : 0), skipped };
}

async function runGo(s) {
  let buf = '';
  const seen = new Map();
  const { code, missing } = await run('go', ['test', '-json', '-count=1', './...'], {
    cwd: path.join(root, s.dir),
    capture: true,
    onData: (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let ev;
        try {
          ev = JSON.parse(line);
        } catch {
          process.stdout.write(line + '\n');
          continue;
        }
        if (ev.Action === 'output' && ev.Output) {
          // Show failures, skips and package summaries, not every RUN line.
          if (/^(--- FAIL|--- SKIP|FAIL|ok |panic|\s+\S+_test\.go:\d+)/.test(ev.Output))
            process.stdout.write(ev.Output);
        }
        if (ev.Test && ['pass', 'fail', 'skip'].includes(ev.Action)) seen.set(`${ev.Package} ${ev.Test}`, ev.Action);
        if (!ev.Test && ev.Action === 'fail') seen.set(`${ev.Package} (package)`, 'fail');
      }
    },
  });
  if (missing) return { passed: 0, failed: 1, skipped: [], note: missing };
  let passed = 0;
  let failed = 0;
  const skipped = [];
  for (const [name, v] of seen) {
    if (v === 'pass') passed++;
    else if (v === 'skip') skipped.push(name);
    else failed++;
  }
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

async function runScript(s) {
  const { code, missing } = await run('npm', ['run', s.script], { cwd: path.join(root, s.dir) });
  if (missing) return { passed: 0, failed: 1, skipped: [], note: missing };
  return code === 0 ? { passed: 1, failed: 0, skipped: [] } : { passed: 0, failed: 1, skipped: [] };
}

/** Names of the skipped tests in a Playwright JSON report (suites nest). */
function playwrightSkipped(suite, where = []) {
  const names = [];
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      if (t.status === 'skipped') names.push(`${spec.file}: ${[...where, spec.title].filter(Boolean).join(' › ')}`);
    }
  }
  for (const child of suite.suites ?? []) names.push(...playwrightSkipped(child, [...where, child.title]));
  return names;
}

async function runPlaywright(s) {
  const out = path.join(resultsDir, `${s.name}.json`);
  const { code, missing } = await run('npm', ['run', 'test'], {
    cwd: path.join(root, s.dir),
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: out, PW_REPORTERS: 'list,json' },
  });
  if (missing) return { passed: 0, failed: 1, skipped: [], note: missing };
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: [], note: `playwright exited ${code} without results` };
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const r = report.stats;
  const skipped = (report.suites ?? []).flatMap((x) => playwrightSkipped(x));
  return { passed: r.expected + (r.flaky ?? 0), failed: r.unexpected || (code !== 0 ? 1 : 0), skipped };
}

const runners = { jest: runJest, go: runGo, script: runScript, playwright: runPlaywright };

let totalPassed = 0;
let totalFailed = 0;
const rows = [];
const skippedTests = [];

function record(name, r, note) {
  totalPassed += r.passed;
  totalFailed += r.failed;
  skippedTests.push(...r.skipped.map((t) => `${name}: ${t}`));
  rows.push([name, r.passed, r.failed, r.skipped.length, [note, r.note].filter(Boolean).join(' ')]);
}

try {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });

  if (!skipBuild) {
    console.log('\n=== build (npm run build) ===');
    const { code, missing } = await run('npm', ['run', 'build'], { cwd: root });
    if (code !== 0) record('build', { passed: 0, failed: 1, skipped: [] }, missing ?? 'npm run build failed');
  }

  for (const s of suites) {
    if (only.length && !only.includes(s.name)) continue;
    const gap = missingPart(s);
    if (gap) {
      console.log(`\n=== ${s.name}: ${gap} ===`);
      record(s.name, { passed: 0, failed: 1, skipped: [] }, gap);
      continue;
    }
    console.log(`\n=== ${s.name} (${s.kind}) ===`);
    const started = Date.now();
    let r;
    try {
      r = await runners[s.kind](s);
    } catch (e) {
      r = { passed: 0, failed: 1, skipped: [], note: `runner error: ${e.message}` };
    }
    record(s.name, r, `${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
} catch (e) {
  record('test-all', { passed: 0, failed: 1, skipped: [] }, `runner error: ${e.message}`);
} finally {
  console.log('\n=== summary ===');
  for (const [name, p, f, sk, note] of rows) {
    console.log(
      `${name.padEnd(26)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed ${String(sk).padStart(4)} skipped  ${note}`
    );
  }
  if (skippedTests.length) {
    console.log(`\nskipped tests (${skippedTests.length}):`);
    for (const t of skippedTests) console.log(`  - ${t}`);
  }
  console.log(`${totalPassed} passed, ${totalFailed} failed`);
  process.exitCode = totalFailed === 0 && totalPassed > 0 ? 0 : 1;
}
