import { expect, Page, TestInfo } from '@playwright/test';

export const PASSWORD = 'kabinet-demo';

export const jsOn = (info: TestInfo) => info.project.use.javaScriptEnabled !== false;

/** Waits until the page is interactive: hydrated with JavaScript, loaded without. */
export async function ready(page: Page, info: TestInfo) {
  await page.waitForLoadState('load');
  if (jsOn(info)) {
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 15_000 });
  }
}

export async function goto(page: Page, info: TestInfo, path: string) {
  await page.goto(path);
  await ready(page, info);
}

export async function signIn(page: Page, info: TestInfo, email: string) {
  await goto(page, info, '/signin');
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/news$/);
  await ready(page, info);
}

export async function signOut(page: Page, info: TestInfo) {
  await page.getByRole('button', { name: 'Выйти', exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await ready(page, info);
}

export function unique(prefix: string, info: TestInfo) {
  return `${prefix} ${info.project.name} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
