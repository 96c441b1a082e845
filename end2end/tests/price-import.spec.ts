import { expect, test } from '@playwright/test';
import { goto, ready, signIn, unique } from './helpers';

test('the editor imports the MIS price list: preview, columns, errors, apply; patients find the service', async ({ page }, info) => {
  const stamp = unique('', info).trim().replace(/\s+/g, '-');
  const section = `Импорт ${stamp}`;
  const service = `Услуга из МИС ${stamp}`;
  // As Russian Excel saves CSV: ';', a title line above the header, a section heading row.
  const csv = [
    'Прайс-лист;;',
    'Код внешний;Услуга;Цена',
    `${section};;`,
    `IMP-${stamp}-1;${service};1 234,50`,
    `IMP-${stamp}-2;Вторая ${service};двести`,
  ].join('\r\n');

  await signIn(page, info, 'editor@kabinet.example');
  await goto(page, info, '/staff');
  await page.getByRole('link', { name: 'Прайс-лист' }).first().click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Прайс-лист', level: 1 })).toBeVisible();
  await page.getByLabel('Файл CSV или XLSX').setInputFiles({ name: 'прайс.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Загрузить' }).click();
  await ready(page, info);

  // The preview: the header found, the bad row named, no way to apply.
  await expect(page.getByRole('heading', { name: 'Проверка прайс-листа' })).toBeVisible();
  await expect(page.getByLabel('Строка заголовка')).toHaveValue('1');
  await expect(page.getByLabel('Столбец 2')).toHaveValue('name');
  await expect(page.getByText('Строка 5: «двести» в столбце «Базовый прайс» — не сумма в рублях')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Применить' })).toHaveCount(0);

  // The price column is not loaded: the error goes, the mapping says a price is missing;
  // loaded again under «ДМС», the row is still wrong. Changing the columns is a GET form.
  await page.getByLabel('Столбец 3').selectOption({ label: 'Цена: ДМС' });
  await page.getByRole('button', { name: 'Проверить' }).click();
  await ready(page, info);
  await expect(page.getByText('«двести» в столбце «ДМС»')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Применить' })).toHaveCount(0);

  // A corrected file: applied, with the count.
  await goto(page, info, '/staff/prices');
  await page
    .getByLabel('Файл CSV или XLSX')
    .setInputFiles({ name: 'прайс.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace('двести', '200')) });
  await page.getByRole('button', { name: 'Загрузить' }).click();
  await ready(page, info);
  await expect(page.getByText('Будет добавлено услуг: 2')).toBeVisible();
  await page.getByRole('button', { name: 'Применить' }).click();
  await ready(page, info);
  await expect(page).toHaveURL(/\/staff\/prices\?added=2/);
  await expect(page.getByRole('status').filter({ hasText: 'Прайс-лист обновлён: добавлено 2' })).toBeVisible();

  // In the cabinet, under the first plan, at the new price.
  await goto(page, info, `/prices?q=${encodeURIComponent(stamp)}`);
  const row = page.getByRole('row').filter({ hasText: service }).first();
  await expect(row).toBeVisible();
  await expect(row).toContainText('1 234,50 ₽');
  await expect(page.getByRole('heading', { name: section })).toBeVisible();
});
