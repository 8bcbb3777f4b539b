// Registers the shared modules Grafana gives plugins at run time (the externals of the
// create-plugin webpack config) in SystemJS, so a plugin's AMD `module.js` receives the host's
// own instances: the same React, the same @grafana/runtime singletons the host configures.
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaI18n from '@grafana/i18n';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaSchema from '@grafana/schema';
import * as grafanaUi from '@grafana/ui';
import * as grafanaUiUnstable from '@grafana/ui/unstable';
import * as i18next from 'i18next';
import lodash from 'lodash';
import moment from 'moment';
import React from 'react';
import ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as reactRouter from 'react-router';
import * as reactRouterDom from 'react-router-dom';
import * as redux from 'redux';
import * as reactRedux from 'react-redux';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

/** The URL scheme under which externals live in the SystemJS registry. */
export const EXTERNAL_PREFIX = 'grafana-host-external:';

/**
 * Every module name the plugins may import at run time, with the value the plugin receives.
 * CommonJS packages are passed as-is (webpack's interop gives `default` itself); ES module
 * namespaces are marked `__esModule` so default imports read their `default` export.
 */
const shared: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react-dom/client': ReactDOMClient,
  'react/jsx-runtime': jsxRuntime,
  'react/jsx-dev-runtime': jsxRuntime,
  'react-router': reactRouter,
  'react-router-dom': reactRouterDom,
  redux,
  'react-redux': reactRedux,
  rxjs,
  'rxjs/operators': rxjsOperators,
  lodash,
  moment,
  i18next,
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/ui/unstable': grafanaUiUnstable,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/i18n': grafanaI18n,
  '@grafana/schema': grafanaSchema,
};

/** The names registered, for the host README and diagnostics. */
export const sharedModuleNames = Object.keys(shared);

/** Puts every shared module into SystemJS and routes bare imports of those names to them. */
export function registerExternals(System: any): void {
  for (const [name, mod] of Object.entries(shared)) {
    const isNamespace = mod && typeof mod === 'object' && Object.prototype.toString.call(mod) === '[object Module]';
    const value = isNamespace ? { ...(mod as object), __esModule: true } : mod;
    // The AMD extra hands `default` to define() when __useDefault is set.
    System.set(EXTERNAL_PREFIX + name, { default: value, __useDefault: true });
  }
  const proto = Object.getPrototypeOf(System);
  const resolve = proto.resolve;
  proto.resolve = function (id: string, parentUrl?: string) {
    if (Object.prototype.hasOwnProperty.call(shared, id)) {
      return EXTERNAL_PREFIX + id;
    }
    return resolve.call(this, id, parentUrl);
  };
}
