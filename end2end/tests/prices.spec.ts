import { expect, test } from '@playwright/test';
import { goto, jsOn, ready, signIn } from './helpers';

test('the price search filters the list', async ({ page }, info) => {
  await signIn(page, info, 'patient@kabinet.example');
  await goto(page, info, '/prices');
  await expect(page.getByRole('heading', { name: 'Ультразвуковая диагностика' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Эхокардиография' })).toBeVisible();
  const search = page.getByLabel('Поиск по прайс-листу');
  await expect(search).toHaveAttribute('placeholder', 'Найти…');
  await search.fill('щитовидной');
  if (!jsOn(info)) {
    await page.getByRole('button', { name: 'Найти' }).click();
    await ready(page, info);
    await expect(page).toHaveURL(/q=/);
  }
  // With JavaScript the list filters as you type, without a page load.
  await expect(page.getByRole('cell', { name: 'Ультразвуковое исследование щитовидной железы' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Эхокардиография' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Терапия' })).toHaveCount(0);

  await page.getByLabel('Поиск по прайс-листу').fill('несуществующая услуга');
  if (!jsOn(info)) {
    await page.getByRole('button', { name: 'Найти' }).click();
    await ready(page, info);
  }
  await expect(page.getByText('Ничего не найдено. Измените запрос.')).toBeVisible();

  // Clearing the search brings the whole list back.
  await page.getByLabel('Поиск по прайс-листу').fill('');
  if (!jsOn(info)) {
    await page.getByRole('button', { name: 'Найти' }).click();
    await ready(page, info);
  }
  await expect(page.getByRole('cell', { name: 'Эхокардиография' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Терапия' })).toBeVisible();
  await expect(page.getByText('Ничего не найдено. Измените запрос.')).toBeHidden();
});

test('the tariff plans the clinic shows can be chosen', async ({ page }, info) => {
  await signIn(page, info, 'patient@kabinet.example');
  await goto(page, info, '/prices');
  const plan = page.getByLabel('Тариф');
  await expect(plan.locator('option')).toHaveText(['Базовый прайс', 'ДМС']);
  const row = page.getByRole('row', { name: /B01\.047\.001/ });
  await expect(row).toContainText('2 200');
  await plan.selectOption({ label: 'ДМС' });
  await page.getByRole('button', { name: 'Найти' }).click();
  await ready(page, info);
  await expect(page).toHaveURL(/plan=\d+/);
  await expect(page.getByRole('row', { name: /B01\.047\.001/ })).toContainText('2 640');
});

test('pages fit a 360 px phone screen', async ({ page }, info) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page, info, 'guardian@kabinet.example');
  for (const path of ['/news', '/prices', '/news/1', '/account', '/booking?doctor=1&service=1', '/appointments']) {
    await goto(page, info, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth).catch(() => null);
    if (width !== null) expect(width, path).toBeLessThanOrEqual(360);
    const box = await page.locator('main').boundingBox();
    expect(box!.width, path).toBeLessThanOrEqual(360);
  }
});

test('the registration pages fit a 360 px phone screen', async ({ page }, info) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of ['/signin', '/register', '/register/code?email=a%40example.com', '/demo/mail']) {
    await goto(page, info, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth).catch(() => null);
    if (width !== null) expect(width, path).toBeLessThanOrEqual(360);
    const box = await page.locator('main').boundingBox();
    expect(box!.width, path).toBeLessThanOrEqual(360);
  }
  await signIn(page, info, 'registrar@kabinet.example');
  for (const path of [
    '/staff/cards?q=%D0%B8', '/staff/cards/new', '/staff/cards/1',
    '/staff/booking', '/staff/schedule?doctor=1', '/staff/appointments?doctor=1',
  ]) {
    await goto(page, info, path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth).catch(() => null);
    if (width !== null) expect(width, path).toBeLessThanOrEqual(360);
  }
});
