// "Send me a test mail" end to end, on the test host started the way CONTRIBUTING.md says
// (`npm run host -w e2e -- --sim … --relay … --relay-token …`), which also shows that command
// connects the relay: a user saves an address on the app's Alert e-mails page, the confirmation
// mail arrives at the real SMTP catcher, the test follows its link and confirms, then presses the
// button and the [TEST] mail arrives at that address.
import { ChildProcess, spawn } from 'node:child_process';
import { selectors as sel } from '../../app-plugin/src/selectors';
import { DS_UID } from '../host/defaults';
import { e2eEnv, need, repoRoot } from './env';
import { expect, test } from './fixtures';
import type { ReceivedMail } from './processes';

test.setTimeout(180_000);

const APP = '/a/privatecloud-vsphere-app';

/** The test host through CONTRIBUTING's command; resolves with its address once it listens. */
async function startHostCommand(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn('npm', ['run', 'host', '-w', 'e2e', '--', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stopping it reaches npm, tsx and the host (which stops its backend).
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-5000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    process.kill(-child.pid!, 'SIGTERM');
    const t = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /e2e host listening on (http:\/\/\S+)/.exec(out);
    if (m) {
      return { url: m[1], stop };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the test host command did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function mailApi(): string {
  const env = e2eEnv() as any;
  if (!env.mailApi) {
    throw new Error(`the SMTP server is not running: ${env.problems.mailApi}`);
  }
  return env.mailApi;
}

/** Waits for a mail matching `pred`; fails with what did arrive. */
async function waitForMail(what: string, pred: (m: ReceivedMail) => boolean): Promise<ReceivedMail> {
  const end = Date.now() + 30_000;
  for (;;) {
    const all: ReceivedMail[] = await (await fetch(`${mailApi()}/mails`)).json();
    const m = all.find(pred);
    if (m) {
      return m;
    }
    if (Date.now() > end) {
      throw new Error(
        `no ${what}; mails received: ${JSON.stringify(all.map((x) => ({ to: x.to, subject: x.subject })))}`
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

test('the test host command connects the relay: save an address, confirm it from the mail, get the [TEST] mail', async ({
  page,
  pageProblems,
}) => {
  void pageProblems;
  const simUrl = need('simUrl');
  const relayUrl = need('relayUrl');
  const grafanaUrl = need('hostUrl'); // the relay's GRAFANA_URL (global-setup.ts)
  const env = e2eEnv();
  const email = 'editor@example.com';
  const host = await startHostCommand([
    '--sim',
    simUrl,
    '--relay',
    relayUrl,
    '--relay-token',
    env.relayInternalToken,
    '--port',
    '0',
  ]);
  try {
    const open = async (p: string) => {
      await page.goto(host.url + p);
      await page.waitForFunction(() => (window as any).__hostReady === true);
    };
    await page.context().addCookies([
      { name: 'grafana_session', value: 'editor', url: host.url },
      { name: 'grafana_theme', value: 'light', url: host.url },
    ]);
    const mine = async () =>
      (await page.request.get(`${host.url}/api/datasources/uid/${DS_UID}/resources/me/subscriptions`)).json();

    // The page reads the relay through the host's data source: the form shows the signed-in user.
    await open(`${APP}/alerts`);
    await expect(page.getByTestId(sel.alerts.container)).toContainText(email);
    const button = page.getByRole('button', { name: 'Send me a test mail' });
    await expect(button, 'no test mail before the address is confirmed').toBeDisabled();
    const saved = page.waitForResponse(
      (r) => /\/resources\/me\/subscriptions$/.test(r.url()) && r.request().method() === 'PUT'
    );
    await page.getByTestId(sel.alerts.save).click();
    expect((await saved).status()).toBe(200);
    expect(await mine()).toMatchObject({ login: 'editor', email, confirmed: false });

    // The confirmation mail, from the relay through real SMTP; its link opens the relay's page,
    // whose button confirms.
    const confirmation = await waitForMail('confirmation mail', (m) => m.to.includes(email));
    expect(confirmation.subject).toBe('Confirm your PrivateCloud Monitor alert e-mails');
    const link = /(https?:\/\/\S+\/confirm\?token=[^\s>)"]+)/.exec(confirmation.text)?.[1];
    expect(link, `a confirmation link in:\n${confirmation.text}`).toBeTruthy();
    expect(new URL(link!).origin).toBe(relayUrl);
    await page.goto(link!);
    await page.getByRole('button', { name: /confirm/i }).click();
    await expect(page.locator('body')).toContainText(/confirmed/i);
    expect(await mine()).toMatchObject({ login: 'editor', email, confirmed: true });

    // Back on the app page the button works; the answer names the address.
    await open(`${APP}/alerts`);
    await expect(button).toBeEnabled();
    const sent = page.waitForResponse(
      (r) => /\/resources\/me\/subscriptions\/test$/.test(r.url()) && r.request().method() === 'POST'
    );
    await button.click();
    const answer = await sent;
    expect(answer.status()).toBe(202);
    expect(await answer.json()).toEqual({ sentTo: email });
    await expect(page.getByTestId(sel.alerts.testMailResult)).toHaveText(
      `Test mail sent to ${email}; it should arrive within a minute.`
    );

    const mail = await waitForMail('[TEST] mail', (m) => m.to.includes(email) && m.subject.startsWith('[TEST]'));
    expect(mail.to).toEqual([email]);
    expect(mail.subject).toBe('[TEST] PrivateCloud Monitor alert e-mail test');
    expect(mail.text).toContain('Hello Eddie Editor,');
    expect(mail.text).toContain('This is a TEST mail you asked for in PrivateCloud Monitor. No alert is firing.');
    expect(mail.text).toContain(`Grafana: ${grafanaUrl}`);
    expect(mail.html).toContain(`<a href="${grafanaUrl}">Open Grafana</a>`);
  } finally {
    await host.stop();
  }
});
