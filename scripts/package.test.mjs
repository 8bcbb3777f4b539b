// Checks the plugin packages that `node scripts/package.mjs` wrote to build/packages/: layout,
// metadata, checksums, the backend binaries (read from their ELF / Mach-O / PE headers), the Go
// build manifest against the sources, source maps and the absence of development files.
// Run: node scripts/package.mjs && node --test scripts/package.test.mjs (npm run test:package).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';

import { executableFormat } from './package-binary.mjs';
import { BACKEND_PLATFORMS, binaryName, isDevelopmentFile, PLUGINS } from './package-layout.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = process.env.PACKAGES_DIR ?? path.join(root, 'build', 'packages');

/** readZip returns every entry of a zip: name, unix mode and content. */
function readZip(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, zip) => {
      if (err) return reject(err);
      const entries = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (e) => {
        const mode = (e.externalFileAttributes >>> 16) & 0o177777;
        if (e.fileName.endsWith('/')) {
          entries.push({ name: e.fileName, mode, dir: true, data: Buffer.alloc(0) });
          zip.readEntry();
          return;
        }
        zip.openReadStream(e, (err2, stream) => {
          if (err2) return reject(err2);
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: e.fileName, mode, dir: false, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function sha(algo, data) {
  return createHash(algo).update(data).digest('hex');
}

/** Every .go file under dir, relative with forward slashes, as the SDK's manifest walks them. */
function goFiles(dir, base = dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    const rel = path.relative(base, full).split(path.sep).join('/');
    if (e.isDirectory()) {
      if (rel !== 'node_modules') out.push(...goFiles(full, base));
    } else if (e.name.endsWith('.go')) out.push(rel);
  }
  return out;
}

describe('executableFormat reads executable headers', () => {
  const elf = (cls, machine, type = 2, osabi = 0) => {
    const b = Buffer.alloc(64);
    b.set([0x7f, 0x45, 0x4c, 0x46, cls, 1, 1, osabi]);
    b.writeUInt16LE(type, 16);
    b.writeUInt16LE(machine, 18);
    return b;
  };
  const macho = (cpu, filetype = 2) => {
    const b = Buffer.alloc(32);
    b.writeUInt32LE(0xfeedfacf, 0);
    b.writeUInt32LE(cpu, 4);
    b.writeUInt32LE(filetype, 12);
    return b;
  };
  const pe = (machine, characteristics = 0x22) => {
    const b = Buffer.alloc(256);
    b.write('MZ', 0, 'latin1');
    b.writeUInt32LE(0x80, 0x3c);
    b.writeUInt32LE(0x00004550, 0x80);
    b.writeUInt16LE(machine, 0x84);
    b.writeUInt16LE(characteristics, 0x80 + 22);
    return b;
  };
  const cases = [
    ['ELF x86-64 executable', elf(2, 0x3e), { format: 'elf', os: 'linux', arch: 'amd64', executable: true }],
    ['ELF AArch64 PIE', elf(2, 0xb7, 3), { format: 'elf', os: 'linux', arch: 'arm64', executable: true }],
    ['ELF 32-bit ARM', elf(1, 0x28), { format: 'elf', os: 'linux', arch: 'arm', bits: 32 }],
    ['ELF relocatable object', elf(2, 0x3e, 1), { format: 'elf', executable: false }],
    ['ELF FreeBSD', elf(2, 0x3e, 2, 9), { os: 'freebsd' }],
    ['Mach-O x86-64', macho(0x01000007), { format: 'macho', os: 'darwin', arch: 'amd64', executable: true }],
    ['Mach-O arm64', macho(0x0100000c), { format: 'macho', os: 'darwin', arch: 'arm64', executable: true }],
    ['Mach-O dylib', macho(0x0100000c, 6), { format: 'macho', executable: false }],
    ['PE x86-64 executable', pe(0x8664), { format: 'pe', os: 'windows', arch: 'amd64', executable: true }],
    ['PE DLL', pe(0x8664, 0x2022), { format: 'pe', executable: false }],
  ];
  for (const [name, buf, want] of cases) {
    test(name, () => {
      const got = executableFormat(buf);
      assert.ok(got, 'recognised');
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, k);
    });
  }
  for (const [name, buf] of [
    ['a shell script', Buffer.from('#!/bin/sh\necho hi\n')],
    ['empty', Buffer.alloc(0)],
    ['MZ without a PE header', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)])],
    ['truncated ELF', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
  ]) {
    test(`${name} is not an executable`, () => assert.equal(executableFormat(buf), null));
  }
});

describe('isDevelopmentFile', () => {
  const cases = [
    ['module.js', false],
    ['module.js.map', false],
    ['img/logo.svg', false],
    ['gpx_vsphere_linux_amd64', false],
    ['go_plugin_build_manifest', false],
    ['MANIFEST.txt', false],
    ['dashboards/vm.json', false],
    ['.eslintcache', true],
    ['img/.DS_Store', true],
    ['components/Foo.test.tsx', true],
    ['module.ts', true],
    ['pkg/main.go', true],
    ['node_modules/x/index.js', true],
    ['coverage/lcov.info', true],
    ['tsconfig.tsbuildinfo', true],
    ['package.json', true],
  ];
  for (const [p, want] of cases) test(`${p} → ${want}`, () => assert.equal(isDevelopmentFile(p), want));
});

for (const plugin of PLUGINS) {
  describe(`${plugin.id} package`, async () => {
    const version = JSON.parse(readFileSync(path.join(root, plugin.dir, 'package.json'), 'utf8')).version;
    const zipFile = path.join(packagesDir, `${plugin.id}-${version}.zip`);
    assert.ok(existsSync(zipFile), `${zipFile} exists (run node scripts/package.mjs first)`);
    const zipData = readFileSync(zipFile);
    const entries = await readZip(zipFile);
    const files = new Map(entries.filter((e) => !e.dir).map((e) => [e.name.slice(plugin.id.length + 1), e]));
    const pluginJson = JSON.parse(files.get('plugin.json')?.data.toString('utf8') ?? '{}');

    test('.sha1 and .md5 beside the zip match it', () => {
      for (const algo of ['sha1', 'md5']) {
        const recorded = readFileSync(`${zipFile}.${algo}`, 'utf8').trim();
        assert.equal(recorded, sha(algo, zipData), `${algo} of ${path.basename(zipFile)}`);
      }
    });

    test('everything sits in one top folder named after the plugin id', () => {
      assert.ok(entries.length > 0);
      for (const e of entries) {
        assert.ok(e.name.startsWith(`${plugin.id}/`), `${e.name} is under ${plugin.id}/`);
        assert.ok(!e.name.split('/').includes('..'), `${e.name} has no ..`);
      }
    });

    test('plugin.json carries the id, the real version and the build date', () => {
      assert.equal(pluginJson.id, plugin.id);
      assert.equal(pluginJson.info.version, version);
      assert.match(pluginJson.info.updated, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(!Number.isNaN(Date.parse(pluginJson.info.updated)), 'updated is a real date');
      assert.doesNotMatch(files.get('plugin.json').data.toString('utf8'), /%[A-Z_]+%/, 'no unreplaced placeholders');
      assert.match(pluginJson.dependencies.grafanaDependency, /^>=\d+\.\d+\.\d+/);
    });

    test('README, CHANGELOG with this version, LICENSE, module.js, logos and screenshots are present', () => {
      for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE', 'module.js']) {
        assert.ok(files.get(f)?.data.length > 0, `${f} present and not empty`);
      }
      assert.match(
        files.get('CHANGELOG.md').data.toString('utf8'),
        new RegExp(`^## ${version.replace(/\./g, '\\.')}`, 'm')
      );
      const listed = [
        pluginJson.info.logos.small,
        pluginJson.info.logos.large,
        ...(pluginJson.info.screenshots ?? []).map((s) => s.path),
      ];
      for (const f of listed) assert.ok(files.get(f)?.data.length > 0, `${f} (listed in plugin.json) present`);
    });

    test('no development files', () => {
      const dev = [...files.keys()].filter(isDevelopmentFile);
      assert.deepEqual(dev, []);
    });

    test("source maps belong to this plugin's own bundles", () => {
      const maps = [...files.keys()].filter((f) => f.endsWith('.map'));
      assert.ok(maps.length > 0, 'module.js.map is shipped');
      for (const m of maps) {
        assert.ok(files.has(m.slice(0, -4)), `${m} has its bundle ${m.slice(0, -4)}`);
        const map = JSON.parse(files.get(m).data.toString('utf8'));
        assert.ok(Array.isArray(map.sources) && map.sources.length > 0, `${m} lists sources`);
        const foreign = map.sources.filter((s) => !s.startsWith(`webpack://${plugin.id}/`));
        assert.deepEqual(foreign, [], `${m}: every source is under webpack://${plugin.id}/`);
      }
    });

    if (!process.env.GRAFANA_ACCESS_POLICY_TOKEN) {
      test('unsigned without an access policy token: no MANIFEST.txt', () => {
        assert.equal(files.has('MANIFEST.txt'), false);
      });
    }

    if (plugin.backend) {
      test('every platform binary is present, executable and built for its platform', () => {
        assert.equal(pluginJson.executable, plugin.executable);
        const expected = BACKEND_PLATFORMS.map(([os, arch]) => binaryName(plugin.executable, os, arch));
        const present = [...files.keys()].filter((f) => f.startsWith(`${plugin.executable}_`));
        assert.deepEqual(present.sort(), [...expected].sort());
        for (const [os, arch] of BACKEND_PLATFORMS) {
          const name = binaryName(plugin.executable, os, arch);
          const e = files.get(name);
          assert.equal(e.mode & 0o111, 0o111, `${name} has execute bits (mode ${e.mode.toString(8)})`);
          const fmt = executableFormat(e.data.subarray(0, 4096));
          assert.ok(fmt, `${name} is an executable`);
          assert.equal(fmt.os, os, `${name} os`);
          assert.equal(fmt.arch, arch, `${name} arch`);
          assert.equal(fmt.executable, true, `${name} is a program, not a library`);
        }
      });

      test('go_plugin_build_manifest lists every Go source of the backend with its sha256', () => {
        const manifest = files.get('go_plugin_build_manifest')?.data.toString('utf8');
        assert.ok(manifest, 'go_plugin_build_manifest present');
        const srcDir = path.join(root, plugin.dir);
        const listed = new Map();
        for (const line of manifest.split('\n').filter(Boolean)) {
          const m = /^([0-9a-f]{64}):(.+)$/.exec(line);
          assert.ok(m, `manifest line "${line}" is <sha256>:<path>`);
          listed.set(m[2], m[1]);
        }
        assert.deepEqual([...listed.keys()].sort(), goFiles(srcDir).sort(), 'the Go files of the source tree');
        assert.ok(listed.has('Magefile.go') && listed.has('pkg/main.go'));
        for (const [rel, hash] of listed) {
          assert.equal(hash, sha('sha256', readFileSync(path.join(srcDir, rel))), `${rel} hash`);
        }
      });
    }
  });
}
