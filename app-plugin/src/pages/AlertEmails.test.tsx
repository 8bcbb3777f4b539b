import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, EDITOR, fail, RES } from '../test/backend';
import { renderPage } from '../test/render';
import { runtimeState, useBackend } from '../test/runtimeMock';
import { selectors } from '../selectors';
import { Subscription } from '../types';
import AlertEmails from './AlertEmails';

jest.mock('@grafana/runtime', () => require('../test/runtimeMock').runtimeModule());

const sub = (login: string, over: Partial<Subscription> = {}): Subscription => ({
  login,
  email: `${login}@example.com`,
  confirmed: true,
  minSeverity: 'warning',
  matchers: {},
  firing: true,
  resolved: true,
  digestMinutes: 0,
  ...over,
});

describe('Alert e-mails', () => {
  it('registers a new user with their choices; login and e-mail are not sent from the browser', async () => {
    let body: unknown;
    useBackend({
      [`GET ${RES}/me`]: EDITOR,
      // Not registered yet: the backend answers the defaults the form starts from.
      [`GET ${RES}/me/subscriptions`]: sub('editor', { confirmed: false }),
      [`PUT ${RES}/me/subscriptions`]: (r) => ((body = r.data), sub('editor', { confirmed: false })),
      [`GET ${RES}/inventory/clusters`]: (r) => ({
        items: [
          { id: 'domain-c1', name: 'Prod' },
          { id: 'domain-c2', name: 'Lab' },
        ].filter((c) => c.name.toLowerCase().includes((r.query.get('search') ?? '').toLowerCase())),
        total: 2,
        page: 1,
        pageSize: 25,
      }),
    });
    renderPage(<AlertEmails />);
    const c = await screen.findByTestId(selectors.alerts.container);
    expect(await within(c).findByText('editor@example.com')).toBeInTheDocument();
    await userEvent.click(within(c).getByRole('radio', { name: 'Critical only' }));
    await userEvent.click(within(c).getByLabelText('Send resolved notices'));
    // Clusters are picked from the inventory (searched on the server), not typed free.
    const clusters = within(within(c).getByTestId(selectors.alerts.picker('cluster'))).getByRole('combobox');
    await userEvent.click(clusters);
    await userEvent.type(clusters, 'pro');
    await userEvent.click(await screen.findByRole('option', { name: 'Prod' }));
    expect(screen.queryByRole('option', { name: 'Lab' })).not.toBeInTheDocument();
    await userEvent.click(within(c).getByRole('button', { name: 'Save and register' }));
    await waitFor(() =>
      expect(body).toEqual({
        minSeverity: 'critical',
        firing: true,
        resolved: false,
        matchers: { cluster: ['Prod'] },
        digestMinutes: 0,
      })
    );
    expect(runtimeState.events).toEqual([
      {
        type: 'alert-success',
        payload: ['Saved; a confirmation link was sent to editor@example.com: open it to start receiving mails'],
      },
    ]);
    expect(await within(c).findByText('not confirmed: save, then open the link mailed to you')).toBeInTheDocument();
    // Only Admins get the list of everyone.
    expect(screen.queryByTestId(selectors.alerts.all)).not.toBeInTheDocument();
  });

  it('validates the digest next to the field and sends nothing', async () => {
    const b = useBackend({ [`GET ${RES}/me`]: EDITOR, [`GET ${RES}/me/subscriptions`]: sub('editor') });
    renderPage(<AlertEmails />);
    const digest = await screen.findByLabelText('Digest minutes');
    await userEvent.clear(digest);
    await userEvent.type(digest, '5000');
    await userEvent.click(screen.getByTestId(selectors.alerts.save));
    expect(screen.getByText('Digest must be 0 (send at once) to 1440 minutes.')).toBeInTheDocument();
    expect(b.sent.some((r) => r.method === 'PUT')).toBe(false);
  });

  it("lets an Admin see everyone's registrations and pause one", async () => {
    let put: { login?: string; body?: unknown } = {};
    useBackend({
      [`GET ${RES}/me`]: ADMIN,
      [`GET ${RES}/me/subscriptions`]: sub('admin'),
      [`GET ${RES}/subscriptions`]: [sub('admin'), sub('bob', { name: 'Bob', confirmed: false })],
      [`PUT ${RES}/subscriptions/bob`]: (r) => ((put = { login: 'bob', body: r.data }), sub('bob', { firing: false })),
    });
    renderPage(<AlertEmails />);
    const all = await screen.findByTestId(selectors.alerts.all);
    const table = await within(all).findByRole('table', { name: 'All registrations' });
    expect(within(table).getByText('Bob (bob)')).toBeInTheDocument();
    expect(within(table).getByText('unconfirmed')).toBeInTheDocument();
    await userEvent.click(within(table).getByRole('button', { name: 'Pause bob' }));
    await waitFor(() => expect(put.login).toBe('bob'));
    expect(put.body).toEqual({
      email: 'bob@example.com',
      minSeverity: 'warning',
      matchers: {},
      firing: false,
      resolved: true,
      digestMinutes: 0,
    });
  });

  it('shows the error when the relay is unreachable', async () => {
    useBackend({
      [`GET ${RES}/me`]: EDITOR,
      [`GET ${RES}/me/subscriptions`]: fail(502, 'upstream_error', 'the alert relay did not answer'),
    });
    renderPage(<AlertEmails />);
    expect(await screen.findByTestId(selectors.states.error)).toHaveTextContent('the alert relay did not answer');
  });
});
