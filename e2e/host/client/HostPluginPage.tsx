// The host's PluginPage: title, subtitle and actions above the page (set with setPluginPage).
import { css } from '@emotion/css';
import React from 'react';

/** A simple stand-in for Grafana's page chrome: title, subtitle, actions, then the page. */
export function HostPluginPage(props: {
  pageNav?: { text?: string };
  subTitle?: React.ReactNode;
  actions?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <div>
      <div className={css({ display: 'flex', alignItems: 'center', gap: 16, marginBottom: 16 })}>
        {props.pageNav?.text && <h1 className={css({ margin: 0 })}>{props.pageNav.text}</h1>}
        <div className={css({ flex: 1 })}>{props.subTitle}</div>
        {props.actions}
      </div>
      {props.children}
    </div>
  );
}
