import React from 'react';
import { Alert, Button } from '@grafana/ui';
import { ApiError } from '../api/client';
import { errorAdvice } from '../api/errors';
import { selectors } from '../selectors';

/** Error state: what failed (title), the backend's message, what to do next, and a retry button. */
export function ErrorState({ title, error, onRetry }: { title: string; error: ApiError; onRetry?: () => void }) {
  return (
    <div data-testid={selectors.states.error}>
      <Alert severity="error" title={title}>
        <p data-testid={selectors.states.errorMessage}>{error.message}</p>
        <p data-testid={selectors.states.errorAdvice}>{errorAdvice(error)}</p>
        {onRetry && (
          <Button size="sm" variant="secondary" icon="sync" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Alert>
    </div>
  );
}
