import { existsSync, readFileSync } from 'fs';
import path from 'path';

import pluginJson from './plugin.json';

/**
 * Checks plugin.json against the rules of Grafana's plugin.json schema (draft-07, in
 * grafana/grafana docs/sources/developers/plugins/plugin.schema.json) that this plugin touches.
 * The schema itself is fetched from GitHub by the validator, which is not reachable here.
 */
const TOP_LEVEL_KEYS = [
  '$schema',
  'id',
  'type',
  'name',
  'info',
  'dependencies',
  'alerting',
  'annotations',
  'backend',
  'executable',
  'metrics',
  'logs',
  'tracing',
  'streaming',
  'category',
  'state',
  'queryOptions',
  'routes',
  'includes',
];

describe('plugin.json', () => {
  it('declares a backend data source that alerting can use', () => {
    expect(pluginJson.type).toBe('datasource');
    expect(pluginJson.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
    expect(pluginJson).toMatchObject({
      backend: true,
      alerting: true,
      executable: 'gpx_vsphere',
      metrics: true,
      annotations: true,
    });
    expect(pluginJson.name).toBe('vSphere (PrivateCloud)');
  });

  it('uses only keys the schema knows', () => {
    expect(Object.keys(pluginJson).filter((k) => !TOP_LEVEL_KEYS.includes(k))).toEqual([]);
    const infoKeys = [
      'author',
      'build',
      'description',
      'keywords',
      'links',
      'logos',
      'screenshots',
      'updated',
      'version',
    ];
    expect(Object.keys(pluginJson.info).filter((k) => !infoKeys.includes(k))).toEqual([]);
  });

  it('has the required info: keywords, logos that exist, build placeholders', () => {
    expect(pluginJson.info.keywords.length).toBeGreaterThan(0);
    expect(pluginJson.info.description.length).toBeGreaterThan(20);
    for (const logo of [pluginJson.info.logos.small, pluginJson.info.logos.large]) {
      expect(logo).toMatch(/\.svg$/);
      const svg = readFileSync(path.join(__dirname, logo), 'utf8');
      expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      // The validator's unsafesvg check refuses scripts and event handlers in logos.
      expect(svg).not.toMatch(/<script|\son\w+=/i);
    }
    expect(pluginJson.info.version).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)|(%VERSION%)$/);
    expect(pluginJson.info.updated).toMatch(/^(\d{4}-\d{2}-\d{2}|%TODAY%)$/);
  });

  it('requires Grafana 12.3 or newer in the schema pattern', () => {
    expect(pluginJson.dependencies.grafanaDependency).toBe('>=12.3.0');
    expect(pluginJson.dependencies.grafanaDependency).toMatch(
      /^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x*]+)(\.[0-9x*]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x]+)(\.[0-9x]+))?(-[0-9]+)?$/
    );
  });

  it('ships a README beside plugin.json for the plugin catalogue', () => {
    expect(existsSync(path.join(__dirname, 'README.md'))).toBe(true);
  });
});
