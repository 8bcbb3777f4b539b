import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fail, RES, VIEWER } from '../test/backend';
import { renderPage } from '../test/render';
import { useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import AuditLog from './AuditLog';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const events = [
  {
    id: '1',
    time: '2026-11-26T10:00:00Z',
    user: { login: 'alice', email: 'alice@example.com', role: 'Editor' },
    action: 'power',
    vm: { id: 'vm-42', name: 'web-42' },
    params: { action: 'stop' },
    outcome: 'success',
  },
  {
    id: '2',
    time: '2026-11-26T11:00:00Z',
    user: { login: 'bob', email: 'bob@example.com', role: 'Viewer' },
    action: 'delete',
    vm: { id: 'vm-42', name: 'web-42' },
    params: {},
    outcome: 'refused',
    error: 'role Viewer may not delete VMs',
  },
];

describe('Audit log', () => {
  it('lists who did what to which VM with the outcome, and filters on the server', async () => {
    const b = useBackend({ [`GET ${RES}/me`]: VIEWER, [`GET ${RES}/audit`]: { items: events, total: 2 } });
    renderPage(<AuditLog />);
    const table = await screen.findByTestId(selectors.audit.table);
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('alice');
    expect(rows[1]).toHaveTextContent('Power');
    expect(rows[1]).toHaveTextContent('power off');
    expect(rows[1]).toHaveTextContent('Success');
    expect(rows[2]).toHaveTextContent('Refused');
    expect(rows[2]).toHaveTextContent('role Viewer may not delete VMs');
    await userEvent.type(screen.getByTestId(selectors.audit.vm), 'vm-42');
    await userEvent.type(screen.getByTestId(selectors.audit.user), 'bob');
    await waitFor(() => {
      const q = b.sent.at(-1)!.query;
      expect([q.get('vm'), q.get('user'), q.get('page')]).toEqual(['vm-42', 'bob', '1']);
    });
  });

  it('refuses a time range that ends before it starts, without asking the backend', async () => {
    const b = useBackend({ [`GET ${RES}/me`]: VIEWER, [`GET ${RES}/audit`]: { items: events, total: 2 } });
    renderPage(<AuditLog />);
    await screen.findByTestId(selectors.audit.table);
    const before = b.sent.length;
    await userEvent.type(screen.getByLabelText('From time'), '2026-11-26T12:00');
    await userEvent.type(screen.getByLabelText('To time'), '2026-11-26T08:00');
    expect(await screen.findByText('The start is after the end.')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId(selectors.states.empty)).toBeInTheDocument());
    const auditCalls = b.sent.slice(before).filter((r) => r.path.endsWith('/audit'));
    // Only the request for the valid "from" alone went out.
    expect(auditCalls.every((r) => !(r.query.get('from') && r.query.get('to')))).toBe(true);
  });

  it('shows empty and error states', async () => {
    useBackend({ [`GET ${RES}/me`]: VIEWER, [`GET ${RES}/audit`]: { items: [], total: 0 } });
    const r = renderPage(<AuditLog />);
    expect(await screen.findByTestId(selectors.states.empty)).toHaveTextContent('No operation matches these filters');
    r.unmount();
    useBackend({
      [`GET ${RES}/me`]: VIEWER,
      [`GET ${RES}/audit`]: fail(502, 'upstream_error', 'the alert relay did not answer'),
    });
    renderPage(<AuditLog />);
    expect(await screen.findByTestId(selectors.states.error)).toHaveTextContent('the alert relay did not answer');
  });
});
