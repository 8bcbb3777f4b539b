import React from 'react';

import { selectors } from '../../selectors';

/** ProblemText is the error node of a Field: the message plus a stable test id for browser tests. */
export function problemText(field: string, message: string | undefined): React.ReactNode {
  if (!message) {
    return undefined;
  }
  return <span data-testid={selectors.query.problem(field).testId}>{message}</span>;
}
