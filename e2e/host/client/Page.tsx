// The host's page frame: a title above the content.
import { css } from '@emotion/css';
import React from 'react';

/** A page with a title. */
export function Page({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className={css({ padding: 16, maxWidth: 1200 })}>
      <h1 data-testid="host-page-title">{title}</h1>
      {children}
    </div>
  );
}
