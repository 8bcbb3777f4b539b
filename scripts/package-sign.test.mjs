// Signing in `node scripts/package.mjs`: with GRAFANA_ACCESS_POLICY_TOKEN set, each plugin folder
// is signed by @grafana/sign-plugin before zipping. grafana.com's signing API cannot be reached
// from a build machine, so an HTTPS stand-in on 127.0.0.1 answers it (sign-plugin reads
// GRAFANA_COM_URL; its certificate, made here with openssl, is trusted through
// NODE_EXTRA_CA_CERTS); the rest is the real package script and the real sign-plugin.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';

import { PLUGINS } from './package-layout.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const certDir = mkdtempSync(path.join(os.tmpdir(), 'pkg-sign-cert-'));
const certFile = path.join(certDir, 'cert.pem');
const keyFile = path.join(certDir, 'key.pem');
execFileSync(
  'openssl',
  ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]),
  { stdio: 'ignore' }
);

function readZip(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map();
      zip.on('error', reject);
      zip.on('end', () => resolve(files));
      zip.on('entry', (e) => {
        if (e.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(e, (err2, s) => {
          if (err2) return reject(err2);
          const chunks = [];
          s.on('data', (c) => chunks.push(c));
          s.on('end', () => {
            files.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** runPackage runs the package script for this platform only, into its own folder. */
function runPackage(out, env) {
  // The stand-in is on loopback: never through a proxy the environment may name.
  env = { ...env, NODE_EXTRA_CA_CERTS: certFile, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'scripts', 'package.mjs'), '--host', '--reuse-frontend', '--no-compat', '--out', out],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('package signing', () => {
  let server;
  let base;
  const requests = [];
  let answer = { status: 200 };

  before(async () => {
    server = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
        if (answer.status !== 200) {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'invalid token' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`-----BEGIN PGP SIGNED MESSAGE-----\n\n${body}\n-----END PGP SIGNATURE-----\n`);
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${server.address().port}/api`;
  });
  after(() => {
    server.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  test('with a token: a private signature for the root URLs, MANIFEST.txt covering every file', async () => {
    requests.length = 0;
    answer = { status: 200 };
    const out = mkdtempSync(path.join(os.tmpdir(), 'pkg-sign-'));
    try {
      const r = await runPackage(out, {
        GRAFANA_ACCESS_POLICY_TOKEN: 'glc_test-token',
        GRAFANA_SIGNATURE_TYPE: 'private',
        GRAFANA_SIGN_ROOT_URLS: 'https://grafana.example.com/',
        GRAFANA_COM_URL: base,
      });
      assert.equal(r.code, 0, r.output);
      assert.doesNotMatch(r.output, /UNSIGNED/);
      assert.equal(requests.length, PLUGINS.length, 'one signing request per plugin');
      for (const plugin of PLUGINS) {
        const req = requests.find((q) => q.body.plugin === plugin.id);
        assert.ok(req, `${plugin.id} was signed`);
        assert.equal(req.url, '/api/plugins/ci/sign');
        assert.equal(req.auth, 'Bearer glc_test-token');
        assert.equal(req.body.signatureType, 'private');
        assert.deepEqual(req.body.rootUrls, ['https://grafana.example.com/']);
        const zipName = readdirSync(out).find((f) => f.startsWith(`${plugin.id}-`) && f.endsWith('.zip'));
        const files = await readZip(path.join(out, zipName));
        const manifest = files.get(`${plugin.id}/MANIFEST.txt`)?.toString('utf8');
        assert.ok(manifest?.includes('BEGIN PGP SIGNED MESSAGE'), 'MANIFEST.txt is the signed answer');
        const shipped = [...files.keys()].filter((f) => f !== `${plugin.id}/MANIFEST.txt`);
        assert.deepEqual(Object.keys(req.body.files).sort(), shipped.map((f) => f.slice(plugin.id.length + 1)).sort());
        for (const f of shipped) {
          const hash = createHash('sha256').update(files.get(f)).digest('hex');
          assert.equal(req.body.files[f.slice(plugin.id.length + 1)], hash, `${f} hash in the signed manifest`);
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('a refused token fails the package and writes no zip', async () => {
    requests.length = 0;
    answer = { status: 401 };
    const out = mkdtempSync(path.join(os.tmpdir(), 'pkg-sign-'));
    try {
      const r = await runPackage(out, { GRAFANA_ACCESS_POLICY_TOKEN: 'glc_bad', GRAFANA_COM_URL: base });
      assert.notEqual(r.code, 0);
      assert.match(r.output, /sign/i);
      assert.ok(requests.length >= 1, 'the signing API was asked');
      assert.deepEqual(
        readdirSync(out).filter((f) => f.endsWith('.zip')),
        [],
        'no zip'
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('without a token: unsigned, with the allow_loading_unsigned_plugins advice', async () => {
    requests.length = 0;
    const out = mkdtempSync(path.join(os.tmpdir(), 'pkg-sign-'));
    try {
      const env = { GRAFANA_ACCESS_POLICY_TOKEN: '', GRAFANA_COM_URL: base };
      const r = await runPackage(out, env);
      assert.equal(r.code, 0, r.output);
      assert.equal(requests.length, 0, 'nothing was sent to the signing API');
      assert.match(
        r.output,
        /allow_loading_unsigned_plugins = privatecloud-vsphere-datasource,privatecloud-vsphere-app/
      );
      for (const plugin of PLUGINS) {
        const zipName = readdirSync(out).find((f) => f.startsWith(`${plugin.id}-`) && f.endsWith('.zip'));
        const files = await readZip(path.join(out, zipName));
        assert.equal(files.has(`${plugin.id}/MANIFEST.txt`), false);
        assert.equal(
          readFileSync(path.join(out, `${zipName}.sha1`), 'utf8').trim(),
          createHash('sha1')
            .update(readFileSync(path.join(out, zipName)))
            .digest('hex')
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
