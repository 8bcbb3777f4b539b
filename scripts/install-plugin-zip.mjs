// Installs a plugin package (a zip from scripts/package.mjs, `<plugin-id>/…` at the top) into a
// Grafana plugins folder the way `grafana cli --pluginUrl <zip> plugins install` lays it out: the
// folder `<pluginsDir>/<plugin-id>/` with the zip's files and their file modes (the backend
// binaries stay executable). Used by `npm start`; README "Install into an existing Grafana".
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** Extracts `zipFile` into `pluginsDir/<pluginId>/`, replacing what was there; resolves to that folder. */
export function installPluginZip(zipFile, pluginsDir, pluginId) {
  const target = path.join(pluginsDir, pluginId);
  rmSync(target, { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, zip) => {
      if (err) return reject(new Error(`${zipFile}: not a readable zip: ${err.message}`));
      const fail = (e) => {
        zip.close();
        reject(e);
      };
      zip.on('error', fail);
      zip.on('end', () => resolve(target));
      zip.on('entry', (entry) => {
        const name = entry.fileName;
        // Only the plugin's own folder, and nothing that climbs out of it.
        if (!name.startsWith(`${pluginId}/`) || name.split('/').includes('..')) {
          return fail(new Error(`${zipFile}: entry ${name} is outside ${pluginId}/`));
        }
        const dest = path.join(pluginsDir, name);
        if (name.endsWith('/')) {
          mkdirSync(dest, { recursive: true });
          return zip.readEntry();
        }
        mkdirSync(path.dirname(dest), { recursive: true });
        const mode = (entry.externalFileAttributes >>> 16) & 0o777 || 0o644;
        zip.openReadStream(entry, (e, stream) => {
          if (e) return fail(e);
          pipeline(stream, createWriteStream(dest, { mode })).then(() => zip.readEntry(), fail);
        });
      });
      zip.readEntry();
    });
  });
}
