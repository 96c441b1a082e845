import { expect, test } from '@playwright/test';
import { goto, ready, signIn } from './helpers';

test('the language switch turns the portal English and is remembered', async ({ page }, info) => {
  await goto(page, info, '/signin');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await page.getByRole('button', { name: 'English' }).click();
  await ready(page, info);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'Sign in to the patient cabinet' })).toBeVisible();
  await page.reload();
  await ready(page, info);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();

  await page.getByLabel('E-mail').fill('patient@kabinet.example');
  await page.getByLabel('Password').fill('kabinet-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/news$/);
  await ready(page, info);
  await expect(page.getByRole('navigation', { name: 'Cabinet sections' }).getByRole('link', { name: 'Prices' })).toBeVisible();
  await page.getByRole('link', { name: 'Prices' }).click();
  await expect(page.getByLabel('Search the price list')).toBeVisible();

  await page.getByRole('button', { name: 'Русский' }).click();
  await ready(page, info);
  await expect(page).toHaveURL(/\/prices/);
  await expect(page.getByLabel('Поиск по прайс-листу')).toBeVisible();
});

test('signed in, the header offers the switch too', async ({ page }, info) => {
  await signIn(page, info, 'doctor@kabinet.example');
  await page.getByRole('button', { name: 'English' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'News', level: 1 })).toBeVisible();
  await expect(page.getByText('clinic staff')).toBeVisible();
});
