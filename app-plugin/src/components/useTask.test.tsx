import React, { StrictMode } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import { VsphereClient } from '../api/client';
import { RES } from '../test/backend';
import { useBackend } from '../test/runtimeMock';
import { useTask } from './useTask';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

function Probe({ start }: { start: () => Promise<{ task?: string; vm?: string }> }) {
  const t = useTask(new VsphereClient('ds1'), start, 5);
  return <div data-testid="t">{`${t.phase} ${t.progress ?? ''} ${t.vm ?? ''}`}</div>;
}

describe('useTask', () => {
  it('sends the request once, also under StrictMode, and follows the task to its end', async () => {
    let reads = 0;
    useBackend({
      [`GET ${RES}/tasks/t1`]: () =>
        ++reads < 3
          ? { id: 't1', status: 'RUNNING', progress: 50, message: 'Cloning', done: false }
          : { id: 't1', status: 'SUCCEEDED', progress: 100, message: '', done: true, vm: 'vm-9' },
    });
    const start = jest.fn(() => Promise.resolve({ task: 't1' }));
    render(
      <StrictMode>
        <Probe start={start} />
      </StrictMode>
    );
    await waitFor(() => expect(screen.getByTestId('t')).toHaveTextContent('done 100 vm-9'));
    expect(start).toHaveBeenCalledTimes(1);
  });
});
