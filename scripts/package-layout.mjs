// What the plugin packages contain: the two plugins, the platforms the data source backend is built
// for (the SDK's build.BuildAll), and which files are development leftovers that never ship.
// Shared by scripts/package.mjs (which builds the zips) and scripts/package.test.mjs (which checks them).

/** The plugins, their workspace folders and the npm script that builds each front end. */
export const PLUGINS = [
  {
    id: 'privatecloud-vsphere-datasource',
    dir: 'datasource-plugin',
    frontendScript: 'build:frontend',
    backend: true,
    executable: 'gpx_vsphere',
  },
  { id: 'privatecloud-vsphere-app', dir: 'app-plugin', frontendScript: 'build', backend: false },
];

/** [GOOS, GOARCH] pairs Grafana supports for backend plugins, as grafana-plugin-sdk-go/build builds them. */
export const BACKEND_PLATFORMS = [
  ['linux', 'amd64'],
  ['linux', 'arm64'],
  ['linux', 'arm'],
  ['darwin', 'amd64'],
  ['darwin', 'arm64'],
  ['windows', 'amd64'],
];

/** binaryName is Grafana's backend executable name: <executable>_<os>_<arch>, `.exe` on Windows. */
export function binaryName(executable, os, arch) {
  return `${executable}_${os}_${arch}${os === 'windows' ? '.exe' : ''}`;
}

const devPatterns = [
  /(^|\/)\.[^/]*$/, // dot files: .eslintcache, .DS_Store, .gitignore, editor state
  /(^|\/)(node_modules|coverage|__snapshots__|__mocks__|test-results)(\/|$)/,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /\.tsbuildinfo$/,
  /\.(ts|tsx)$/,
  /\.go$/,
  /(^|\/)(go\.mod|go\.sum|Magefile\.go|package\.json|package-lock\.json|tsconfig\.json)$/,
];

/** isDevelopmentFile says whether a path inside a plugin folder is a build or development leftover. */
export function isDevelopmentFile(rel) {
  const p = rel.split('\\').join('/');
  if (p === '') return false;
  return devPatterns.some((re) => re.test(p));
}
