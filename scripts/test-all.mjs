#!/usr/bin/env node
// Runs every test suite of the monorepo (Jest, go test, Playwright), prints each suite's
// own output, and ends with one line of totals: "N passed, N failed".
// Usage: node scripts/test-all.mjs [--no-build] [suite-name ...]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, '.test-results');
const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const only = args.filter((a) => !a.startsWith('--'));

/** The suites, in the order they run. `kind` says how to read the results. */
const suites = [
  { name: 'simulator', dir: 'simulator', kind: 'jest' },
  { name: 'datasource-backend', dir: 'datasource-plugin', kind: 'go' },
  { name: 'datasource-backend-fuzz', dir: 'datasource-plugin', kind: 'script', script: 'test:fuzz' },
  { name: 'datasource-frontend', dir: 'datasource-plugin', kind: 'jest' },
  { name: 'app-plugin', dir: 'app-plugin', kind: 'jest' },
  { name: 'alert-relay', dir: 'alert-relay', kind: 'jest' },
  { name: 'packages', dir: '.', kind: 'script', script: 'test:package' },
  { name: 'e2e', dir: 'e2e', kind: 'playwright' },
];

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', ...opts });
    let out = '';
    if (opts.capture) {
      child.stdout.on('data', (d) => {
        out += d;
        opts.onData?.(d);
      });
    }
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function pkgScripts(dir) {
  const f = path.join(root, dir, 'package.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')).scripts ?? {}) : null;
}

async function runJest(s) {
  const out = path.join(resultsDir, `${s.name}.json`);
  const { code } = await run('npm', ['run', 'test', '--', '--ci', '--json', `--outputFile=${out}`], {
    cwd: path.join(root, s.dir),
  });
  if (!existsSync(out)) return { passed: 0, failed: 1, note: `jest exited ${code} without results` };
  const r = JSON.parse(readFileSync(out, 'utf8'));
  // A suite that failed to load counts as a failure even though it reports no failed test.
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  return { passed: r.numPassedTests, failed: failed || (code !== 0 ? 1 : 0) };
}

async function runGo(s) {
  let buf = '';
  const seen = new Map();
  const { code } = await run('go', ['test', '-json', '-count=1', './...'], {
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
          // Show failures and package summaries, not every RUN line.
          if (/^(--- FAIL|FAIL|ok |panic|\s+\S+_test\.go:\d+)/.test(ev.Output)) process.stdout.write(ev.Output);
        }
        if (ev.Test && (ev.Action === 'pass' || ev.Action === 'fail')) seen.set(`${ev.Package} ${ev.Test}`, ev.Action);
        if (!ev.Test && ev.Action === 'fail') seen.set(`${ev.Package} (package)`, 'fail');
      }
    },
  });
  let passed = 0;
  let failed = 0;
  for (const v of seen.values()) v === 'pass' ? passed++ : failed++;
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

async function runScript(s) {
  const { code } = await run('npm', ['run', s.script], { cwd: path.join(root, s.dir) });
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

async function runPlaywright(s) {
  const out = path.join(resultsDir, `${s.name}.json`);
  const { code } = await run('npm', ['run', 'test'], {
    cwd: path.join(root, s.dir),
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: out, PW_REPORTERS: 'list,json' },
  });
  if (!existsSync(out)) return { passed: 0, failed: 1, note: `playwright exited ${code} without results` };
  const r = JSON.parse(readFileSync(out, 'utf8')).stats;
  return { passed: r.expected + (r.flaky ?? 0), failed: r.unexpected || (code !== 0 ? 1 : 0) };
}

const runners = { jest: runJest, go: runGo, script: runScript, playwright: runPlaywright };

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let totalPassed = 0;
let totalFailed = 0;
const rows = [];

if (!skipBuild) {
  console.log('\n=== build (npm run build) ===');
  const { code } = await run('npm', ['run', 'build'], { cwd: root });
  if (code !== 0) {
    totalFailed++;
    rows.push(['build', 0, 1, 'npm run build failed']);
  }
}

for (const s of suites) {
  if (only.length && !only.includes(s.name)) continue;
  const scripts = pkgScripts(s.dir);
  const needed = s.kind === 'go' ? 'go.mod' : null;
  if (!scripts || (needed && !existsSync(path.join(root, s.dir, needed))) || (s.script && !scripts[s.script])) {
    console.log(`\n=== ${s.name}: not present in this checkout ===`);
    continue;
  }
  console.log(`\n=== ${s.name} (${s.kind}) ===`);
  const started = Date.now();
  const r = await runners[s.kind](s);
  totalPassed += r.passed;
  totalFailed += r.failed;
  rows.push([
    s.name,
    r.passed,
    r.failed,
    `${((Date.now() - started) / 1000).toFixed(1)}s${r.note ? ' ' + r.note : ''}`,
  ]);
}

console.log('\n=== summary ===');
for (const [name, p, f, note] of rows)
  console.log(`${name.padEnd(26)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed  ${note}`);
console.log(`${totalPassed} passed, ${totalFailed} failed`);
process.exit(totalFailed === 0 && totalPassed > 0 ? 0 : 1);
