import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { goto, jsOn, ready, signIn, unique } from './helpers';

// Images are re-encoded by the server's converters before a message is written.
test.setTimeout(90_000);

const fixtures = path.join(__dirname, '..', '..', 'server', 'tests', 'fixtures');
const photo = { name: 'снимок.png', mimeType: 'image/png', buffer: fs.readFileSync(path.join(fixtures, 'scan.png')) };

/** A second signed-in person in the same project (JavaScript on or off, the same screen). */
async function other(browser: Browser, info: TestInfo, email: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: info.project.use.baseURL,
    javaScriptEnabled: jsOn(info),
    viewport: info.project.use.viewport,
    locale: 'ru-RU',
  });
  const page = await context.newPage();
  await signIn(page, info, email);
  return page;
}

async function noSideways(page: Page, info: TestInfo) {
  if (!jsOn(info)) {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  }
}

test('a patient writes to her doctor with a picture; the doctor answers and starts a video call; she sees both', async ({ page, browser }, info) => {
  const question = unique('Вопрос о результатах', info);
  const answer = unique('Ответ врача', info);
  await signIn(page, info, 'patient@kabinet.example');
  await page.getByRole('navigation', { name: 'Разделы кабинета' }).getByRole('link', { name: /Сообщения/ }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Сообщения', level: 1 })).toBeVisible();
  // The demo's clinic broadcast sits in the same tab.
  await expect(page.getByText('Открыт новый кабинет УЗИ на Садовой')).toBeVisible();
  await page.getByRole('link', { name: 'Написать врачу' }).click();
  await ready(page, info);
  await page.getByLabel('Кому').selectOption({ label: 'Соколов Андрей Викторович — Терапевт' });
  await page.getByLabel('Тема').selectOption({ label: 'Результаты' });
  await page.getByLabel('Текст сообщения').fill(question);
  await page.getByLabel('Прикрепить файл').setInputFiles([photo]);
  await noSideways(page, info);
  await page.getByRole('button', { name: 'Отправить' }).click();
  // Both ways land on the new dialogue's own page.
  await expect(page).toHaveURL(/\/messages\/\d+\?uploaded=1$/);
  await ready(page, info);
  const dialogue = new URL(page.url()).pathname;
  const id = dialogue.split('/').pop();
  await expect(page.getByRole('heading', { name: 'Результаты — Соколов Андрей Викторович', level: 1 })).toBeVisible();
  await expect(page.getByText('Сообщение отправлено.')).toBeVisible();
  const mine = page.locator('li.message', { hasText: question });
  await expect(mine.getByRole('link', { name: 'снимок.png' })).toBeVisible();
  await expect(mine.getByRole('img', { name: 'снимок.png' })).toBeVisible();
  await noSideways(page, info);

  // The doctor finds it in the inbox, waiting for an answer.
  const doctor = await other(browser, info, 'doctor@kabinet.example');
  await goto(doctor, info, '/staff');
  await doctor.getByRole('link', { name: 'Сообщения пациентов' }).first().click();
  await ready(doctor, info);
  await doctor.getByRole('link', { name: 'Ждут ответа' }).click();
  await ready(doctor, info);
  await expect(doctor.locator(`a[href="/staff/messages/${id}"]`)).toHaveText('Иванова Анна Петровна');
  await doctor.locator(`a[href="/staff/messages/${id}"]`).click();
  await ready(doctor, info);
  await expect(doctor.getByRole('complementary', { name: 'Карта пациента' })).toContainText('Иванова Анна Петровна');
  await expect(doctor.locator('li.message', { hasText: question })).toBeVisible();
  await noSideways(doctor, info);
  await doctor.getByLabel('Ответ', { exact: true }).fill(answer);
  await doctor.getByRole('button', { name: 'Отправить' }).click();
  await expect(doctor).toHaveURL(new RegExp(`/staff/messages/${id}\\?uploaded=1$`));
  await ready(doctor, info);
  await doctor.getByRole('button', { name: 'Начать видеосвязь' }).click();
  await ready(doctor, info);
  await expect(doctor.getByRole('button', { name: 'Завершить видеосвязь' })).toBeVisible();

  // The patient: with JavaScript the open page shows the answer and the link by itself within
  // seconds; without, the next load does.
  if (!jsOn(info)) {
    await page.reload();
    await ready(page, info);
  }
  await expect(page.locator('li.message', { hasText: answer })).toContainText('Соколов Андрей Викторович', { timeout: 10_000 });
  const join = page.getByRole('link', { name: 'Подключиться к видеосвязи' });
  await expect(join).toBeVisible({ timeout: 10_000 });
  expect(await join.getAttribute('href')).toMatch(/^https:\/\/meet\.jit\.si\/[0-9a-f]{32}$/);

  // The doctor ends the call: the link goes.
  await doctor.getByRole('button', { name: 'Завершить видеосвязь' }).click();
  await ready(doctor, info);
  await goto(page, info, dialogue);
  await expect(page.getByRole('link', { name: 'Подключиться к видеосвязи' })).toHaveCount(0);
  await doctor.context().close();
});

test('a broadcast by age reaches the children only', async ({ page, browser }, info) => {
  const title = unique('Прививки школьникам', info);
  await signIn(page, info, 'editor@kabinet.example');
  await goto(page, info, '/staff');
  await page.getByRole('link', { name: 'Рассылки' }).first().click();
  await ready(page, info);
  await page.getByLabel('Заголовок').fill(title);
  await page.getByLabel('Текст', { exact: true }).fill('Приглашаем на **плановую** вакцинацию.');
  await page.getByLabel('Информационная').check();
  await page.getByLabel('По возрасту').check();
  await page.getByLabel('Возраст от, лет').fill('6');
  await page.getByLabel('Возраст до, лет').fill('12');
  await noSideways(page, info);
  await page.getByRole('button', { name: 'Сохранить и посмотреть' }).click();
  await expect(page).toHaveURL(/\/staff\/broadcasts\/\d+$/);
  await ready(page, info);
  await expect(page.getByTestId('reach')).toHaveText('Получат: 2 пациента');
  await expect(page.locator('.prose strong')).toHaveText('плановую');
  await page.getByRole('button', { name: 'Отправить сейчас' }).click();
  await ready(page, info);
  await expect(page.getByTestId('broadcast-status')).toHaveText('Отправлена, получателей: 2');

  // The guardian sees it in his daughter's profile, not in his own; the adult patient never.
  const guardian = await other(browser, info, 'guardian@kabinet.example');
  await goto(guardian, info, '/messages');
  await expect(guardian.getByRole('link', { name: title })).toHaveCount(0);
  const answered = jsOn(info) ? guardian.waitForResponse((r) => r.url().includes('/rpc/switch_profile')) : null;
  await guardian.getByLabel('Профиль').selectOption({ label: 'Петрова Мария Дмитриевна (подопечный)' });
  await guardian.getByRole('button', { name: 'Переключить профиль' }).click();
  if (answered) expect((await answered).ok()).toBe(true);
  await goto(guardian, info, '/messages');
  const item = guardian.getByRole('listitem').filter({ hasText: title });
  await expect(item).toContainText('Сообщение клиники');
  await expect(item).toContainText('Новое');
  await item.getByRole('link', { name: title }).click();
  await ready(guardian, info);
  await expect(guardian.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(guardian.locator('.prose strong')).toHaveText('плановую');
  await guardian.context().close();

  const patient = await other(browser, info, 'patient@kabinet.example');
  await goto(patient, info, '/messages');
  await expect(patient.getByText(title)).toHaveCount(0);
  await patient.context().close();
});
