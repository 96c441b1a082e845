import { expect, test } from '@playwright/test';
import { goto, jsOn, ready, signIn, unique } from './helpers';

test('an editor writes, previews and publishes news that a patient then reads', async ({ browser }, info) => {
  const editorContext = await browser.newContext();
  const editor = await editorContext.newPage();
  await signIn(editor, info, 'editor@kabinet.example');
  await editor.getByRole('link', { name: 'Рабочее место' }).click();
  await ready(editor, info);
  await editor.getByRole('link', { name: 'Управление новостями' }).click();
  await ready(editor, info);
  await editor.getByRole('link', { name: 'Написать новость' }).click();
  await ready(editor, info);

  const title = unique('Дни открытых дверей', info);
  await editor.getByLabel('Заголовок').fill(title);
  await editor.getByLabel('Текст').fill('Приходите **в субботу** с 10:00.\n\n- консультации\n- экскурсия');
  await editor.getByRole('button', { name: 'Сохранить черновик' }).click();
  await expect(editor).toHaveURL(/\/staff\/news\/\d+$/);
  await ready(editor, info);
  await expect(editor.getByTestId('news-status')).toHaveText('Черновик');
  await expect(editor.locator('.preview strong')).toHaveText('в субботу');

  // Patients do not see a draft.
  const patientContext = await browser.newContext();
  const patient = await patientContext.newPage();
  await signIn(patient, info, 'patient@kabinet.example');
  await expect(patient.getByRole('link', { name: title })).toHaveCount(0);

  await editor.getByRole('button', { name: 'Опубликовать сейчас' }).click();
  await expect(editor.getByTestId('news-status')).toHaveText('Опубликована');

  await goto(patient, info, '/news');
  await patient.getByRole('link', { name: title }).click();
  await expect(patient).toHaveURL(/\/news\/\d+$/);
  await ready(patient, info);
  await expect(patient.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(patient.locator('.prose li')).toHaveText(['консультации', 'экскурсия']);

  // Withdrawn, it disappears for the patient.
  await editor.getByRole('button', { name: 'Снять с публикации' }).click();
  await expect(editor.getByTestId('news-status')).toHaveText('Снята с публикации');
  const gone = await patient.goto(patient.url());
  expect(gone?.status()).toBe(404);
  await editorContext.close();
  await patientContext.close();
});

test('an editor schedules news for later and edits it', async ({ page }, info) => {
  await signIn(page, info, 'editor@kabinet.example');
  await goto(page, info, '/staff/news/new');
  const title = unique('Запланировано', info);
  await page.getByLabel('Заголовок').fill(title);
  await page.getByLabel('Текст').fill('Позже.');
  await page.getByRole('button', { name: 'Сохранить черновик' }).click();
  await expect(page).toHaveURL(/\/staff\/news\/\d+$/);
  await ready(page, info);
  await page.getByLabel('Дата и время публикации').fill('2031-01-15T09:30');
  await page.getByRole('button', { name: 'Запланировать' }).click();
  await expect(page.getByTestId('news-status')).toHaveText('Запланирована');
  await expect(page.getByText('15 января 2031, 09:30')).toBeVisible();

  await page.getByRole('link', { name: 'Редактировать' }).click();
  await expect(page).toHaveURL(/\/edit$/);
  await ready(page, info);
  await expect(page.getByLabel('Заголовок')).toHaveValue(title);
  await page.getByLabel('Заголовок').fill(`${title} (уточнено)`);
  await page.getByRole('button', { name: 'Сохранить изменения' }).click();
  await expect(page).toHaveURL(/\/staff\/news\/\d+$/);
  await ready(page, info);
  await expect(page.locator('.preview h1')).toHaveText(`${title} (уточнено)`);
  await expect(page.getByTestId('news-status')).toHaveText('Запланирована');
});

test('an empty title is refused with a message under the field', async ({ page }, info) => {
  await signIn(page, info, 'editor@kabinet.example');
  await goto(page, info, '/staff/news/new');
  await page.getByLabel('Заголовок').fill('   ');
  await page.getByLabel('Текст').fill('Текст без заголовка');
  await page.getByRole('button', { name: 'Сохранить черновик' }).click();
  await expect(page.getByText('Заполните это поле.')).toBeVisible();
  await expect(page).toHaveURL(/\/staff\/news\/new/);
});

test('an unsafe news text stays inert', async ({ browser }, info) => {
  const ctx = await browser.newContext();
  const editor = await ctx.newPage();
  await signIn(editor, info, 'editor@kabinet.example');
  await goto(editor, info, '/staff/news/new');
  const title = unique('Проверка', info);
  const evil =
    '<script>window.__xss = 1</script>\n\n<img src="/x" onerror="window.__xss = 2">\n\n[нажми](javascript:window.__xss=3)';
  await editor.getByLabel('Заголовок').fill(title);
  await editor.getByLabel('Текст').fill(evil);
  await editor.getByRole('button', { name: 'Сохранить черновик' }).click();
  await expect(editor).toHaveURL(/\/staff\/news\/\d+$/);
  await ready(editor, info);
  await editor.getByRole('button', { name: 'Опубликовать сейчас' }).click();
  await expect(editor.getByTestId('news-status')).toHaveText('Опубликована');
  await ctx.close();

  const reader = await browser.newContext();
  const page = await reader.newPage();
  await signIn(page, info, 'patient@kabinet.example');
  await page.getByRole('link', { name: title }).click();
  await ready(page, info);
  const prose = page.locator('.prose');
  await expect(prose).toContainText('<script>window.__xss = 1</script>');
  await expect(prose.locator('script, img')).toHaveCount(0);
  await expect(prose.getByRole('link', { name: 'нажми' })).toHaveAttribute('href', '#');
  if (jsOn(info)) {
    await prose.getByRole('link', { name: 'нажми' }).click();
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  }
  await reader.close();
});

test('news is paged newest first and each item has its own address', async ({ page }, info) => {
  await signIn(page, info, 'patient@kabinet.example');
  const items = page.locator('.news-item h2');
  await expect(items.first()).toBeVisible();
  await expect(page.getByText(/Страница 1 из \d+/)).toBeVisible();
  await page.getByRole('link', { name: 'Открылся филиал на Садовой' }).click();
  await expect(page).toHaveURL(/\/news\/\d+$/);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Открылся филиал на Садовой' })).toBeVisible();
  await page.getByRole('link', { name: 'Все новости' }).click();
  await expect(page).toHaveURL(/\/news$/);
});

test('a headline with markup is shown as text in the page and in its title, never as elements', async ({ browser }, info) => {
  const editorContext = await browser.newContext();
  const editor = await editorContext.newPage();
  await signIn(editor, info, 'editor@kabinet.example');
  await goto(editor, info, '/staff/news/new');
  const title = unique(
    `x</title><b id=t>жирный</b><meta http-equiv="refresh" content="1;url=http://127.0.0.1:9/">'"&`,
    info,
  );
  await editor.getByLabel('Заголовок').fill(title);
  await editor.getByLabel('Текст').fill('Текст.');
  await editor.getByRole('button', { name: 'Сохранить черновик' }).click();
  await expect(editor).toHaveURL(/\/staff\/news\/\d+$/);
  await ready(editor, info);
  await editor.getByRole('button', { name: 'Опубликовать сейчас' }).click();
  await expect(editor.getByTestId('news-status')).toHaveText('Опубликована');
  const articlePath = new URL(editor.url()).pathname.replace('/staff/news/', '/news/');

  // Read on a 360 px phone: the long unbroken headline wraps instead of widening the page.
  const patientContext = await browser.newContext({ javaScriptEnabled: jsOn(info), viewport: { width: 360, height: 740 } });
  const patient = await patientContext.newPage();
  await signIn(patient, info, 'patient@kabinet.example');
  await expect(patient.getByRole('link', { name: title })).toBeVisible();
  expect(await patient.evaluate(() => document.documentElement.scrollWidth), '/news').toBeLessThanOrEqual(360);
  await goto(patient, info, articlePath);
  expect(await patient.evaluate(() => document.documentElement.scrollWidth), articlePath).toBeLessThanOrEqual(360);
  await expect(patient.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(patient).toHaveTitle(title);
  await expect(patient.locator('#t')).toHaveCount(0);
  await expect(patient.locator('meta[http-equiv]')).toHaveCount(0);
  // The refresh the headline asked for never happens.
  await patient.waitForTimeout(1500);
  expect(new URL(patient.url()).pathname).toBe(articlePath);
  await expect(patient).toHaveTitle(title);
  await editorContext.close();
  await patientContext.close();
});
