import { expect, test } from '@playwright/test';
import { goto, jsOn, ready, signIn } from './helpers';

test('a patient filters her medical record by kind and text, and opens a record', async ({ page }, info) => {
  await signIn(page, info, 'patient@kabinet.example');
  await page.getByRole('link', { name: 'Медкарта', exact: true }).click();
  await ready(page, info);
  await expect(page.getByTestId('record-of')).toHaveText('Медкарта: Иванова Анна Петровна');
  const records = page.getByTestId('records').locator('li');
  await expect(records).toHaveCount(6);
  // A kind filter is a link: its address can be bookmarked.
  await page.getByRole('link', { name: 'Амбулаторно', exact: true }).click();
  await expect(page).toHaveURL(/\/record\?kind=outpatient$/);
  await ready(page, info);
  await expect(records).toHaveCount(3);
  // The text search keeps the kind.
  await page.getByLabel('Поиск по тексту').fill('гастрит');
  await page.getByRole('button', { name: 'Найти' }).click();
  await expect(page).toHaveURL(/kind=outpatient.*q=/);
  await ready(page, info);
  await expect(records).toHaveCount(1);
  await records.getByRole('link', { name: 'Приём врача-терапевта повторный' }).click();
  await expect(page).toHaveURL(/\/record\/\d+$/);
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Приём врача-терапевта повторный');
  await expect(page.getByTestId('diagnosis')).toHaveText('K29.5 — Хронический гастрит неуточнённый');
  // The bookmarked filter works when opened directly.
  await goto(page, info, '/record?kind=telemedicine');
  await expect(records).toHaveCount(1);
  await expect(records).toContainText('Телемедицинская консультация врача-терапевта');
  if (!jsOn(info)) {
    const width = await page.evaluate(() => document.documentElement.scrollWidth).catch(() => null);
    if (width !== null) expect(width).toBeLessThanOrEqual(360);
  }
});

test('an own document of a type the portal does not take is refused with the reason, and nothing is added', async ({ page }, info) => {
  // With JavaScript the form is sent by script (to show its progress); the server's refusal
  // then loads the page with the reason, as the plain form's redirect does without.
  await signIn(page, info, 'patient@kabinet.example');
  await goto(page, info, '/record');
  // The print button is an island: it shows once the page's script runs.
  await expect(page.getByRole('button', { name: 'Распечатать' })).toHaveCount(jsOn(info) ? 1 : 0);
  const records = page.getByTestId('records').locator('li');
  const before = await records.count();
  await page.getByText('Добавить свой документ').click();
  await page.getByLabel('Название документа').fill(`Заметки ${info.project.name}`);
  await page.getByLabel('Дата посещения').fill('2026-01-10');
  await page.getByLabel('Файлы').setInputFiles({ name: 'заметки.txt', mimeType: 'text/plain', buffer: Buffer.from('просто текст') });
  const byScript = jsOn(info)
    ? page.waitForRequest((r) => r.url().endsWith('/record/upload') && r.headers()['accept'] === 'application/json')
    : null;
  await page.getByRole('button', { name: 'Добавить документ' }).click();
  if (byScript) await byScript;
  await expect(page).toHaveURL(/\/record\?upload_error=/);
  await ready(page, info);
  await expect(page.getByRole('alert')).toHaveText('Тип файла не поддерживается.');
  await expect(records).toHaveCount(before);
  // What she typed is still there; only the file is chosen again.
  await expect(page.getByLabel('Название документа')).toHaveValue(`Заметки ${info.project.name}`);
  await expect(page.getByLabel('Дата посещения')).toHaveValue('2026-01-10');
});
