import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';
import { deploymentTag, kwokValues, startServe, usersFile, type RunningServe } from '../support/serve.js';

/** Debian's Chromium (`make tools` installs it); SLIPWAY_CHROMIUM names another. */
const chromiumPath = process.env['SLIPWAY_CHROMIUM'] ?? '/usr/bin/chromium';
/** SLIPWAY_SERVE_SCREENSHOTS=<dir>: save the board and run page there (docs/images). */
const screenshots = process.env['SLIPWAY_SERVE_SCREENSHOTS'];

describe('slipway serve in a real browser (headless Chromium)', () => {
  const platform = usePlatform('serve-browser', ['kube', 'registry']);
  let server: RunningServe;
  let browser: Browser;
  let page: Page;
  /** Clicks counted from the board, to hold the deploy to at most three. */
  let clicks = 0;
  const click = async (selector: string) => {
    clicks++;
    await page.click(selector);
  };

  const imageTagOf = (name: string) => deploymentTag(platform().kubeConfig, 'web', name);

  beforeAll(async () => {
    const catalog = new TestCatalog(platform(), [
      { name: 'web', stacks: ['dev', 'prod'], canary: true, values: kwokValues },
      { name: 'api', stacks: ['dev'], values: kwokValues },
    ]);
    await pushEmptyImage(platform().registry, 'microservices/web', '1.4.2');
    server = await startServe(
      ['--catalog', catalog.dir, '--users', usersFile({ carol: 'carol-password' }), '--timeout', '60s'],
      registryEnv(platform()),
    );
    if (!existsSync(chromiumPath))
      throw new Error(`no Chromium at ${chromiumPath}: run make tools (or set SLIPWAY_CHROMIUM)`);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends to the sign-in page, and signs in with the keyboard', async () => {
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    // the user field has the focus: type, tab, type, Enter
    await page.keyboard.type('carol');
    await page.keyboard.press('Tab');
    await page.keyboard.type('carol-password');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/`);
    await expect(page.locator('table.board th[scope=row]').allTextContents()).resolves.toEqual(['apitest', 'webtest']);
  });

  it('deploys from the board in at most three clicks and shows the run reach success live', async () => {
    clicks = 0;
    await click('a[aria-label="Deploy web to dev"]');
    await expect(page.locator('#service').inputValue()).resolves.toBe('web');
    await expect(page.locator('#stack').inputValue()).resolves.toBe('dev');
    // the registry's newest tag is chosen already
    await expect(page.locator('#imageTag').inputValue()).resolves.toBe('1.4.2');
    const served = page.waitForResponse((r) => /\/runs\/[0-9a-z-]+$/.test(r.url()));
    await click('#deploy-submit');
    await page.waitForURL(/\/runs\/[0-9a-z-]+$/);
    // the run page came while the run was running (its rollout takes seconds): what follows is live
    expect(await (await served).text()).toMatch(/id="run-state" class="state-running"/);
    // the page was served while the run was running: the end comes over SSE
    await page.locator('#run-state:not(.state-running)').waitFor({ timeout: 90_000 });
    expect(`${await page.textContent('#run-state')} ${await page.textContent('#run-reason')}`.trim()).toBe('succeeded');
    expect(clicks).toBeLessThanOrEqual(3);
    const rows = await page.locator('#stages tbody tr').all();
    const stages = await Promise.all(
      rows.map(async (row) => (await row.locator('td').allTextContents()).slice(2, 4).join(':')),
    );
    expect(stages).toEqual([
      'preconditions:succeeded',
      'build:skipped',
      'bake:succeeded',
      'deploy workload:succeeded',
      'rollout Deployment/web:succeeded',
      'deploy routing:succeeded',
    ]);
    if (screenshots) {
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: join(screenshots, 'serve-run.png'), fullPage: true });
    }
    // the board shows the new tag
    await page.goto(`${server.url}/`);
    await expect(page.locator('table.board tbody tr', { hasText: 'web' }).textContent()).resolves.toMatch(/1\.4\.2/);
    if (screenshots) await page.screenshot({ path: join(screenshots, 'serve-board.png'), fullPage: true });
  });

  it('refuses a prod deploy from a feature branch on the page, with the rule', async () => {
    await page.goto(`${server.url}/deploy?service=web&stack=prod`);
    await expect(page.locator('.rule').textContent()).resolves.toBe('prod: branches: master only');
    await page.fill('#imageTag', '1.4.2');
    await page.fill('#sourceBranch', 'feature/shiny');
    await page.click('#deploy-submit');
    const error = await page.locator('#deploy-error').textContent();
    expect(error).toMatch(/preconditions failed for web on prod/);
    expect(error).toMatch(/feature\/shiny/);
    expect(new URL(page.url()).pathname).toBe('/api/runs');
  });

  it('starts a canary from the board and promotes it from its run page', async () => {
    await pushEmptyImage(platform().registry, 'microservices/web', '1.5.0');
    await page.goto(`${server.url}/`);
    await page.click('a[aria-label="Deploy web to dev"]');
    await expect(page.locator('#imageTag').inputValue()).resolves.toBe('1.5.0');
    await page.check('input[name="canary"]');
    await page.fill('#canaryWeight', '20');
    await page.click('#deploy-submit');
    await page.waitForURL(/\/runs\/[0-9a-z-]+$/);
    // once the canary is live the run page offers promote and abort (the page reloads by itself)
    const promote = page.locator('button[aria-label="Promote the canary of web on dev"]');
    await promote.waitFor({ timeout: 90_000 });
    expect(await imageTagOf('web-canary')).toBe('1.5.0');
    expect(await imageTagOf('web')).toBe('1.4.2');
    if (screenshots) {
      await page.goto(`${server.url}/`);
      await page.locator('td[data-cell="web/dev"] .canary').waitFor();
      await page.screenshot({ path: join(screenshots, 'serve-board.png'), fullPage: true });
      await page.goBack();
    }
    await promote.click();
    await page.waitForURL(/\/runs\/[0-9a-z-]+$/);
    await expect(page.locator('h1 small').textContent()).resolves.toBe('canary promote');
    await page.locator('#run-state:not(.state-running)').waitFor({ timeout: 90_000 });
    expect(await page.textContent('#run-state')).toBe('succeeded');
    expect(await imageTagOf('web')).toBe('1.5.0');
    expect(await imageTagOf('web-canary')).toBeUndefined();
  });

  it('rolls back from the history page in one click, and an open board shows it without reloading', async () => {
    // a second window with the same session
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await other.addCookies(await page.context().cookies());
    const board = await other.newPage();
    await board.goto(`${server.url}/`);
    const cell = board.locator('td[data-cell="web/dev"]');
    await expect(cell.locator('strong').textContent()).resolves.toBe('1.5.0');
    // a page that reloads loses this
    await board.evaluate('document.body.setAttribute("data-kept", "yes")');
    await page.goto(`${server.url}/`);
    await page.click('a[aria-label="History of web on dev"]');
    expect(new URL(page.url()).pathname).toBe('/history/web/dev');
    const rows = await page.locator('section[data-cluster="local"] tbody tr').all();
    const shown = await Promise.all(
      rows.map(async (r) => (await r.locator('td').allTextContents()).slice(0, 3).join(' ')),
    );
    expect(shown).toEqual(['3 stable 1.5.0', '2 canary 20% 1.5.0', '1 stable 1.4.2']);
    if (screenshots) await page.screenshot({ path: join(screenshots, 'serve-history.png'), fullPage: true });
    await page.click('button[aria-label="Roll back web on dev in local to revision 1"]');
    await page.waitForURL(/\/runs\/[0-9a-z-]+$/);
    await page.locator('#run-state:not(.state-running)').waitFor({ timeout: 90_000 });
    expect(await page.textContent('#run-state')).toBe('succeeded');
    expect(await imageTagOf('web')).toBe('1.4.2');
    // the board that stayed open shows the rollback, by itself
    await cell.locator('strong', { hasText: '1.4.2' }).waitFor({ timeout: 30_000 });
    expect(await board.getAttribute('body', 'data-kept')).toBe('yes');
    await other.close();
  });
});
