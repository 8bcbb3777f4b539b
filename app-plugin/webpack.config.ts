// Extends create-plugin's webpack config (the documented way: merge, never edit .config/).
// The suite's dashboards have one source, provisioning/dashboards/privatecloud/; the app ships
// copies of them in dist/dashboards/ so that plugin.json's "dashboard" includes resolve and a
// Grafana without our provisioning can import them from the app's Dashboards tab.
import CopyWebpackPlugin from 'copy-webpack-plugin';
import path from 'path';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

const dashboards = path.resolve(__dirname, '..', 'provisioning', 'dashboards', 'privatecloud');

const config = async (env: Env): Promise<Configuration> =>
  merge(await grafanaConfig(env), {
    plugins: [
      new CopyWebpackPlugin({
        patterns: [{ from: path.join(dashboards, '*.json'), to: 'dashboards/[name][ext]' }],
      }),
    ],
  });

export default config;
