import { expect, test } from '@playwright/test';
import path from 'path';
import { goto, ready, signIn, signOut } from './helpers';

const photo = path.join(__dirname, '../../server/tests/fixtures/photo-gps.jpg');

test('the front desk adds a doctor with a portrait; the head reads it in the journal', async ({ page }, info) => {
  // Letters only: a name is «Фамилия Имя Отчество» in letters.
  const tag = `${info.project.name}${Math.random().toString(36)}`.replace(/[^a-z]/g, '');
  const name = `Орлова ${tag} Ивановна`;

  await signIn(page, info, 'registrar@kabinet.example');
  await goto(page, info, '/staff');
  await page.getByRole('link', { name: 'Врачи' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Врачи', level: 1 })).toBeVisible();
  const add = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Добавить врача' }) });

  // Without a branch: refused, named, nothing added.
  await add.getByLabel('Фамилия Имя Отчество').fill(name);
  await add.getByLabel('Специальность').selectOption('Терапевт');
  await add.getByRole('button', { name: 'Добавить врача' }).click();
  await ready(page, info);
  await expect(page.getByText('Заполните это поле.')).toBeVisible();

  await add.getByLabel('Фамилия Имя Отчество').fill(name);
  await add.getByLabel('Специальность').selectOption('Терапевт');
  await add.getByLabel('Учёная степень (необязательно)').fill('к.м.н.');
  // A demo branch: others come and go while the branches test runs beside this one.
  await add.getByRole('group', { name: 'Филиалы' }).getByLabel('Филиал на Садовой').check();
  await add.getByLabel('Показывать в онлайн-записи').check();
  await add.getByLabel('Фотография (JPG, PNG, HEIC, до 8 МБ)').setInputFiles(photo);
  await add.getByRole('button', { name: 'Добавить врача' }).click();
  await ready(page, info);
  await expect(page.getByRole('status').filter({ hasText: 'Сохранено.' })).toBeVisible();
  const ours = page.getByTestId('doctor').filter({ has: page.getByRole('heading', { name }) });
  await expect(ours.getByRole('img', { name: 'Фотография врача' })).toBeVisible();
  expect(await ours.getByRole('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(400);

  // The head reads who added whom, with what.
  await signOut(page, info);
  await signIn(page, info, 'head@kabinet.example');
  await goto(page, info, '/staff/journal');
  await page.getByLabel('Действия').selectOption({ label: 'Врачи' });
  await page.getByRole('button', { name: 'Показать' }).click();
  await ready(page, info);
  const line = page.getByRole('row').filter({ hasText: name }).first();
  await expect(line).toContainText('Врач добавлен или изменён');
  await expect(line).toContainText('Никитина Марина Алексеевна');
  await expect(line).toContainText('specialty: — → Терапевт');
});
