import { expect, test } from '@playwright/test';
import { goto, ready, signIn } from './helpers';

test('the front desk adds a branch; one with history is refused deletion with the reason', async ({ page }, info) => {
  const name = `Филиал ${info.project.name} ${Date.now().toString(36)}`;
  await signIn(page, info, 'registrar@kabinet.example');
  await goto(page, info, '/staff/branches');
  await expect(page.getByRole('heading', { name: 'Филиалы', level: 1 })).toBeVisible();
  await page.getByLabel('Название филиала').last().fill(name);
  await page.getByLabel('Адрес').last().fill('ул. Ленина, 1');
  await page.getByRole('button', { name: 'Добавить филиал' }).click();
  await ready(page, info);
  const ours = page.getByTestId('branch').filter({ has: page.getByRole('heading', { name }) });
  await expect(ours).toBeVisible();

  // A demo branch has schedules: deleting it is refused, and the page says why.
  const busy = page.getByTestId('branch').filter({ has: page.getByRole('heading', { name: 'Филиал на Ленинском' }) });
  await busy.getByRole('button', { name: 'Удалить' }).click();
  await ready(page, info);
  await expect(page.getByRole('alert').filter({ hasText: 'Филиал нельзя удалить' })).toBeVisible();
  await expect(busy).toBeVisible();

  // Ours has no history: it goes.
  await goto(page, info, '/staff/branches');
  await ours.getByRole('button', { name: 'Удалить' }).click();
  await ready(page, info);
  await expect(ours).toHaveCount(0);
});
