// scripts/test-all.mjs on a small fixture tree: it lists skipped tests (Jest and Go), counts a suite
// whose package.json, go.mod or script is missing as failed, and prints its summary line even when
// a toolchain (Go) is not installed. The fixture's skipped tests are test data for the runner.
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './stack-files';

test.setTimeout(180_000);

const runner = path.join(repoRoot, 'scripts', 'test-all.mjs');
const jestBin = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
const playwrightCli = require.resolve('@playwright/test/cli');

function write(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A fixture tree with one suite of each case. */
function fixture(): { root: string; suites: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'test-all-fixture-'));
  write(
    path.join(root, 'js', 'package.json'),
    JSON.stringify({ name: 'fx-js', private: true, scripts: { test: `node ${jestBin} --rootDir .` } })
  );
  write(
    path.join(root, 'js', 'a.test.js'),
    [
      "test('adds', () => expect(1 + 1).toBe(2));",
      "test('multiplies', () => expect(2 * 3).toBe(6));",
      "test.skip('a skipped js test', () => expect(1).toBe(2));",
      '',
    ].join('\n')
  );
  write(path.join(root, 'go', 'package.json'), JSON.stringify({ name: 'fx-go', private: true, scripts: {} }));
  write(path.join(root, 'go', 'go.mod'), 'module example.com/fx\n\ngo 1.21\n');
  write(
    path.join(root, 'go', 'fx_test.go'),
    [
      'package fx',
      '',
      'import "testing"',
      '',
      'func TestAdds(t *testing.T) {',
      '\tif 1+1 != 2 {',
      '\t\tt.Fatal("math")',
      '\t}',
      '}',
      '',
      'func TestSkippedGo(t *testing.T) { t.Skip("fixture") }',
      '',
    ].join('\n')
  );
  // Playwright, no browser: the runner reads its JSON report (docs/contracts.md §6).
  write(
    path.join(root, 'pw', 'package.json'),
    JSON.stringify({ name: 'fx-pw', private: true, scripts: { test: `node ${playwrightCli} test -c pw.config.js` } })
  );
  write(
    path.join(root, 'pw', 'pw.config.js'),
    "module.exports = { testDir: '.', reporter: process.env.PW_REPORTERS ? [['list'], ['json']] : [['list']] };\n"
  );
  write(
    path.join(root, 'pw', 'a.spec.js'),
    [
      `const { test, expect } = require(${JSON.stringify(require.resolve('@playwright/test'))});`,
      "test.describe('group', () => {",
      "  test('passes', () => expect(1).toBe(1));",
      "  test.skip('a skipped browser test', () => expect(1).toBe(2));",
      '});',
      '',
    ].join('\n')
  );
  // A Go suite without go.mod, a suite without package.json, a script suite without its script.
  write(path.join(root, 'nogomod', 'package.json'), JSON.stringify({ name: 'fx-nogomod', private: true }));
  mkdirSync(path.join(root, 'gone'), { recursive: true });
  write(path.join(root, 'noscript', 'package.json'), JSON.stringify({ name: 'fx-noscript', scripts: {} }));
  const suites = path.join(root, 'suites.json');
  writeFileSync(
    suites,
    JSON.stringify([
      { name: 'fx-js', dir: 'js', kind: 'jest' },
      { name: 'fx-go', dir: 'go', kind: 'go' },
      { name: 'fx-pw', dir: 'pw', kind: 'playwright' },
      { name: 'fx-nogomod', dir: 'nogomod', kind: 'go' },
      { name: 'fx-gone', dir: 'gone', kind: 'jest' },
      { name: 'fx-noscript', dir: 'noscript', kind: 'script', script: 'test:fuzz' },
    ])
  );
  return { root, suites };
}

function runAll(f: { root: string; suites: string }, env: NodeJS.ProcessEnv, names: string[] = []) {
  const r = spawnSync(process.execPath, [runner, '--no-build', '--root', f.root, '--suites', f.suites, ...names], {
    env,
    encoding: 'utf8',
    timeout: 150_000,
  });
  // The suites' own tools write to stderr too; the runner's summary is on stdout.
  return { code: r.status, out: r.stdout, all: `${r.stdout}${r.stderr}` };
}

/** The summary row of a suite: [passed, failed, skipped, note]. */
function row(out: string, name: string): [number, number, number, string] {
  const m = new RegExp(`^${name}\\s+(\\d+) passed\\s+(\\d+) failed\\s+(\\d+) skipped\\s*(.*)$`, 'm').exec(out);
  if (!m) {
    throw new Error(`no summary row for ${name} in:\n${out}`);
  }
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4]];
}

test.describe('scripts/test-all.mjs', () => {
  let f: { root: string; suites: string };
  test.beforeAll(() => {
    f = fixture();
  });
  test.afterAll(() => rmSync(f.root, { recursive: true, force: true }));

  test('lists skipped tests and counts missing package.json, go.mod or script as failed', () => {
    const { code, out } = runAll(f, process.env);
    expect(row(out, 'fx-js')).toEqual([2, 0, 1, expect.any(String)]);
    expect(row(out, 'fx-go')).toEqual([1, 0, 1, expect.any(String)]);
    expect(row(out, 'fx-pw')).toEqual([1, 0, 1, expect.any(String)]);
    expect(out).toMatch(/skipped tests \(3\):/);
    expect(out).toContain('fx-pw: a.spec.js: group › a skipped browser test');
    expect(out).toContain('fx-js: js/a.test.js: a skipped js test (pending)');
    expect(out).toContain('fx-go: example.com/fx TestSkippedGo');
    expect(row(out, 'fx-nogomod')).toEqual([0, 1, 0, 'nogomod/go.mod is missing']);
    expect(row(out, 'fx-gone')).toEqual([0, 1, 0, 'gone/package.json is missing']);
    expect(row(out, 'fx-noscript')).toEqual([0, 1, 0, 'noscript/package.json has no "test:fuzz" script']);
    // The totals are the last line; any failed suite fails the run.
    expect(out.trimEnd().split('\n').pop()).toBe('4 passed, 3 failed');
    expect(code).toBe(1);
  });

  test('prints its summary when a toolchain is missing, counting that suite as failed', () => {
    // PATH with node, npm and sh (npm runs scripts with it) only: no Go.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'test-all-path-'));
    try {
      for (const tool of ['node', 'npm', 'sh']) {
        const where = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        spawnSync('ln', ['-s', where, path.join(bin, tool)]);
      }
      expect(spawnSync('/bin/sh', ['-c', 'command -v go'], { env: { PATH: bin }, encoding: 'utf8' }).stdout).toBe('');
      const { code, out } = runAll(f, { HOME: process.env.HOME, PATH: bin }, ['fx-go', 'fx-js']);
      expect(row(out, 'fx-go')).toEqual([0, 1, 0, expect.stringContaining('go is not installed')]);
      expect(row(out, 'fx-js')[0]).toBe(2);
      expect(out.trimEnd().split('\n').pop()).toBe('2 passed, 1 failed');
      expect(code).toBe(1);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('refuses an unknown suite name or option', () => {
    expect(runAll(f, process.env, ['nope']).code).toBe(2);
    const r = spawnSync(process.execPath, [runner, '--frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown option --frobnicate');
  });
});
