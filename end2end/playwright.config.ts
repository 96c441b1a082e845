// Browser tests: Debian's Chromium, driven by Playwright, in two projects — the hydrated app
// (JavaScript on) and the server-rendered app with JavaScript off, which also runs on a
// 360 px wide phone screen. The server is the real binary on a fresh SQLite demo database.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);
// The e2e server's SMTP server (aiosmtpd) keeps mail here; tests read codes from it.
process.env.E2E_MAILDIR = process.env.E2E_MAILDIR ?? `/tmp/kabinet-e2e-mail-${port}`;
const chromium = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  ],
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'ru-RU',
    launchOptions: chromium,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true, viewport: { width: 1280, height: 800 } } },
    { name: 'no-js', use: { javaScriptEnabled: false, viewport: { width: 360, height: 800 } } },
  ],
  webServer: {
    command: `bash ../scripts/e2e-server ${port}`,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
