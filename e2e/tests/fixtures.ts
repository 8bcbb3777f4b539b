// The test fixture every browser test uses: a page signed in as a given user that fails the test
// on any uncaught page error, console error or failed load of a bundle or asset; and helpers for
// screenshots in both themes.
import { expect, Page, test as base } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { artifactsDir, need } from './env';

/** The host's users (host/server.ts). */
export type Login = 'admin' | 'editor' | 'viewer';

interface Fixtures {
  hostUrl: string;
  /** Problems the page reported; checked after each test. */
  pageProblems: string[];
  signIn: (login: Login) => Promise<void>;
  /** Opens a host path and waits until the page rendered. */
  open: (p: string, opts?: { theme?: 'light' | 'dark' }) => Promise<void>;
  /**
   * Saves the current page to e2e/artifacts/<name>-light.png, then reloads it in the dark theme,
   * runs `replay` (to bring back what the test had done, e.g. run the query) and saves -dark.png.
   */
  shoot: (name: string, replay?: () => Promise<void>) => Promise<void>;
}

/** Console messages that are not page faults: failed API calls are asserted by the tests themselves. */
function isExpectedConsoleError(text: string): boolean {
  return /^Failed to load resource: the server responded with a status of \d+/.test(text);
}

export const test = base.extend<Fixtures>({
  hostUrl: async ({}, use) => {
    await use(need('hostUrl'));
  },
  pageProblems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !isExpectedConsoleError(m.text())) {
        problems.push(`console error: ${m.text()}`);
      }
    });
    page.on('response', (r) => {
      // A bundle, chunk, stylesheet, font or image that does not load breaks the page.
      if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/public/')) {
        problems.push(`failed to load ${r.url()} (${r.status()})`);
      }
    });
    page.on('requestfailed', (r) => {
      // ERR_ABORTED: the page dropped the request itself (unmounted image, navigation).
      if (new URL(r.url()).pathname.startsWith('/public/') && r.failure()?.errorText !== 'net::ERR_ABORTED') {
        problems.push(`failed to load ${r.url()} (${r.failure()?.errorText})`);
      }
    });
    await use(problems);
    expect(problems, 'the page reported errors').toEqual([]);
  },
  signIn: async ({ page, hostUrl }, use) => {
    await use(async (login) => {
      await page.context().addCookies([{ name: 'grafana_session', value: login, url: hostUrl }]);
    });
  },
  open: async ({ page, hostUrl, pageProblems }, use) => {
    void pageProblems;
    await use(async (p, opts) => {
      await page.context().addCookies([{ name: 'grafana_theme', value: opts?.theme ?? 'light', url: hostUrl }]);
      await page.goto(hostUrl + p);
      await page.waitForFunction(() => (window as any).__hostReady === true);
    });
  },
  shoot: async ({ page, hostUrl }, use) => {
    mkdirSync(artifactsDir, { recursive: true });
    await use(async (name, replay) => {
      const url = page.url();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(artifactsDir, `${name}-light.png`), fullPage: true });
      await page.context().addCookies([{ name: 'grafana_theme', value: 'dark', url: hostUrl }]);
      await page.goto(url);
      await page.waitForFunction(() => (window as any).__hostReady === true);
      await expect(page.locator('body')).toHaveClass(/theme-dark/);
      await replay?.();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(artifactsDir, `${name}-dark.png`), fullPage: true });
      await page.context().addCookies([{ name: 'grafana_theme', value: 'light', url: hostUrl }]);
    });
  },
});

export { expect };

/** Waits for a JSON answer of the host API matching the path. */
export function apiResponse(page: Page, re: RegExp) {
  return page.waitForResponse((r) => re.test(new URL(r.url()).pathname));
}
