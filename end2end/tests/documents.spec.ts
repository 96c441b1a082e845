import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { goto, jsOn, ready, signIn, unique } from './helpers';

// Real conversions run on the server (LibreOffice, cwebp): give the worker time.
test.setTimeout(120_000);

const fixtures = path.join(__dirname, '..', '..', 'server', 'tests', 'fixtures');
const fixture = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: fs.readFileSync(path.join(fixtures, name)) });
const pdf = (name: string, size: number) => {
  const b = Buffer.alloc(size, 0x20);
  b.write('%PDF-1.4\n');
  return { name, mimeType: 'application/pdf', buffer: b };
};
const MB16 = 16 * 1024 * 1024;

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

/** The clinician opens a card's documents page through the card search. */
async function openDocuments(page: Page, info: TestInfo, surname: string, fullName: string) {
  await goto(page, info, '/staff');
  await page.getByRole('link', { name: 'Документы пациентов' }).click();
  await ready(page, info);
  await page.getByLabel('Фамилия, имя (начало)').fill(surname);
  await page.getByRole('button', { name: 'Найти' }).click();
  await ready(page, info);
  await page.getByRole('link', { name: fullName }).click();
  await expect(page).toHaveURL(/\/staff\/cards\/\d+\/documents$/);
  await ready(page, info);
  if (!jsOn(info)) {
    // The no-JavaScript project runs on a 360 px phone: nothing may scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  }
}

async function uploadAndSend(page: Page, info: TestInfo, category: string, title: string, files: ReturnType<typeof pdf>[]) {
  const form = page.getByRole('region', { name: 'Загрузить документы' });
  await form.getByLabel('Категория').selectOption({ label: category });
  await form.getByLabel('Название документа').fill(title);
  await form.getByLabel('Файлы', { exact: true }).setInputFiles(files);
  if (jsOn(info)) {
    // Each file gets its own tick; one the rules refuse is unticked and says why.
    const chosen = form.getByTestId('chosen-files').locator('li');
    await expect(chosen).toHaveCount(files.length);
    for (const f of files.filter((f) => f.buffer.length > MB16)) {
      const tick = chosen.filter({ hasText: f.name });
      await expect(tick.getByRole('checkbox')).not.toBeChecked();
      await expect(tick).toContainText('файл больше 16 МБ');
    }
  }
  // With JavaScript the island posts in the background: wait for the server's answer, since a
  // second upload starts on a page whose address already says `uploaded=1`, and reloading it
  // before the post is answered would cancel the upload.
  const posted = jsOn(info)
    ? page.waitForResponse((r) => r.url().includes('/documents/upload') && r.request().method() === 'POST')
    : null;
  await form.getByRole('button', { name: 'Загрузить и отправить' }).click();
  if (posted) expect((await posted).status()).toBe(200);
  await expect(page).toHaveURL(/\/documents\?uploaded=1$/);
  await ready(page, info);
  await expect(page.getByText('Документы загружены.')).toBeVisible();
}

/** Reloads the staff page until the upload shows `status`. */
async function waitForStatus(page: Page, info: TestInfo, title: string, status: string) {
  const upload = page.getByTestId('upload').filter({ hasText: title });
  await expect(async () => {
    await page.reload();
    await ready(page, info);
    await expect(upload.getByTestId('upload-status')).toHaveText(status, { timeout: 1000 });
  }).toPass({ timeout: 90_000, intervals: [1000] });
  return upload;
}

test('a clinician sends a batch; the patient reads it delivered 3 of 4, and the sender sees why not the fourth', async ({ page, browser }, info) => {
  // The patient is Петров Дмитрий in his own profile: Иванова's record is counted by record.spec.
  const title = unique('Обследование', info);
  await signIn(page, info, 'doctor@kabinet.example');
  await openDocuments(page, info, 'Петров Дмитрий', 'Петров Дмитрий Сергеевич');
  await expect(page.getByTestId('eligibility')).toContainText('можно отправить');
  await uploadAndSend(page, info, 'Обследования', title, [
    fixture('letter.docx'),
    fixture('scan.png'),
    pdf('УЗИ.pdf', 4096),
    pdf('МРТ большой.pdf', MB16 + 1),
  ]);
  const upload = await waitForStatus(page, info, title, 'Доставлено 3 из 4');
  await expect(upload.getByTestId('staff-file').filter({ hasText: 'МРТ большой.pdf' }).getByTestId('file-reason')).toHaveText(
    'файл больше 16 МБ',
  );

  const patient = await other(browser, info, 'guardian@kabinet.example');
  await patient.getByRole('link', { name: 'Медкарта', exact: true }).click();
  await ready(patient, info);
  await patient.getByRole('link', { name: 'Амбулаторно', exact: true }).click();
  await ready(patient, info);
  await patient.getByLabel('Поиск по тексту').fill(title);
  await patient.getByRole('button', { name: 'Найти' }).click();
  await ready(patient, info);
  const item = patient.getByTestId('records').locator('li');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Обследования');
  await item.getByRole('link', { name: title }).click();
  await ready(patient, info);
  await expect(patient.getByTestId('delivery-status')).toHaveText('Доставлено 3 из 4');
  const files = patient.getByTestId('record-file');
  await expect(files).toHaveCount(4);
  // The DOCX arrives as PDF, the PNG as WEBP (shown in place); both download.
  const letter = files.filter({ hasText: 'letter.pdf' });
  const href = await letter.getByRole('link', { name: 'Скачать' }).getAttribute('href');
  const res = await patient.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/pdf');
  // Its preview is sandboxed by its CSP (an opaque origin) and Chromium's PDF viewer still
  // shows it in the page's frame.
  const inline = await letter.locator('iframe.preview').getAttribute('src');
  const preview = await patient.request.get(inline!);
  expect(preview.headers()['content-security-policy']).toMatch(/(^|; )sandbox($|;)/);
  await expect.poll(() => patient.frames().some((f) => f.url().startsWith('chrome-extension://'))).toBe(true);
  await expect(files.filter({ hasText: 'scan.webp' }).locator('img')).toBeVisible();
  // The fourth did not arrive: the patient can ask for it again.
  const big = files.filter({ hasText: 'МРТ большой.pdf' });
  await expect(big).toContainText('Не доставлен');
  await big.getByRole('button', { name: 'Попросить отправить повторно' }).click();
  await ready(patient, info);
  await expect(patient.getByTestId('record-file').filter({ hasText: 'МРТ большой.pdf' })).toContainText('просит отправить повторно');
  // The print view: the cabinet's chrome is left out, the record stays.
  await patient.emulateMedia({ media: 'print' });
  await expect(patient.getByRole('navigation', { name: 'Разделы кабинета' })).toBeHidden();
  await expect(patient.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await patient.emulateMedia({ media: 'screen' });
  if (!jsOn(info)) {
    const width = await patient.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
  }
  // The whole record as one PDF.
  const exported = await patient.request.get('/record/export.pdf');
  expect(exported.headers()['content-type']).toBe('application/pdf');
  await patient.context().close();
});

test('the date of birth opens a protected document, and three wrong dates lock it until the clinic lifts the lock', async ({ page, browser }, info) => {
  // Each project its own child: the lock is per card.
  const [surname, child, born] = jsOn(info)
    ? ['Петрова', 'Петрова Мария Дмитриевна', '2016-05-20']
    : ['Петров Иван', 'Петров Иван Дмитриевич', '2019-10-07'];
  const first = unique('Анализ крови', info);
  const second = unique('Анализ мочи', info);
  await signIn(page, info, 'doctor@kabinet.example');
  await openDocuments(page, info, surname, child);
  await expect(page.getByText('Файлы попадут в профиль подопечного.')).toBeVisible();
  await uploadAndSend(page, info, 'Анализы', first, [pdf('анализ.pdf', 2048)]);
  await waitForStatus(page, info, first, 'Доставлено пациенту');

  // The guardian, in the child's profile, sees the document listed but locked.
  const guardian = await other(browser, info, 'guardian@kabinet.example');
  await guardian.getByLabel('Профиль').selectOption({ label: `${child} (подопечный)` });
  const answered = jsOn(info) ? guardian.waitForResponse((r) => r.url().includes('/rpc/switch_profile')) : null;
  await guardian.getByRole('button', { name: 'Переключить профиль' }).click();
  if (answered) expect((await answered).ok()).toBe(true);
  await ready(guardian, info);
  await goto(guardian, info, '/record');
  const listed = guardian.getByTestId('records').locator('li', { hasText: first });
  await expect(listed).toContainText('Защищён датой рождения');
  await listed.getByRole('link', { name: first }).click();
  await ready(guardian, info);
  await expect(guardian.getByTestId('gate')).toBeVisible();
  await expect(guardian.getByTestId('record-file')).toHaveCount(0);
  const recordUrl = guardian.url();
  const tryDate = async (date: string) => {
    await guardian.getByLabel('Дата рождения').fill(date);
    await guardian.getByRole('button', { name: 'Открыть документ' }).click();
    await ready(guardian, info);
  };
  await tryDate('2010-01-01');
  await expect(guardian.getByRole('alert').filter({ hasText: 'Дата рождения не совпадает' })).toBeVisible();
  await tryDate(born);
  await expect(guardian.getByTestId('delivery-status')).toHaveText('Доставлено пациенту');
  await expect(guardian.getByTestId('record-file')).toHaveCount(1);

  // A second document: the third wrong date (they count across documents) locks every
  // protected document of the card.
  await uploadAndSend(page, info, 'Анализы', second, [pdf('моча.pdf', 2048)]);
  await waitForStatus(page, info, second, 'Доставлено пациенту');
  await goto(guardian, info, '/record');
  await guardian.getByRole('link', { name: second }).click();
  await ready(guardian, info);
  const secondUrl = guardian.url();
  await tryDate('2000-01-01');
  await expect(guardian.getByRole('alert').filter({ hasText: 'Дата рождения не совпадает' })).toBeVisible();
  await tryDate('2000-01-02');
  await expect(guardian.getByRole('alert').filter({ hasText: 'Слишком много неверных попыток' })).toBeVisible();
  await goto(guardian, info, new URL(secondUrl).pathname);
  await expect(guardian.getByTestId('gate-blocked')).toContainText('Слишком много неверных попыток');
  // The first one stays open: it was unlocked for good.
  await goto(guardian, info, new URL(recordUrl).pathname);
  await expect(guardian.getByTestId('record-file')).toHaveCount(1);

  // The clinic sees the lock and lifts it; the right date opens the second document.
  await page.reload();
  await ready(page, info);
  const blocked = page.getByTestId('gate-blocked');
  await expect(blocked).toBeVisible();
  await blocked.getByRole('button', { name: 'Снять блокировку' }).click();
  await ready(page, info);
  await expect(page.getByTestId('gate-blocked')).toHaveCount(0);
  await goto(guardian, info, new URL(secondUrl).pathname);
  await tryDate(born);
  await expect(guardian.getByTestId('record-file')).toHaveCount(1);
  await guardian.context().close();
});

test('a refused upload keeps what the clinician typed; only the files are chosen again', async ({ page }, info) => {
  // With JavaScript the form is sent by script; the refusal loads the page the plain form's
  // redirect loads, with the reason and the typed fields filled in again.
  const title = unique('Выписка', info);
  await signIn(page, info, 'doctor@kabinet.example');
  await openDocuments(page, info, 'Петров Дмитрий', 'Петров Дмитрий Сергеевич');
  const form = page.getByRole('region', { name: 'Загрузить документы' });
  await form.getByLabel('Категория').selectOption({ label: 'Обследования' });
  await form.getByLabel('Название документа').fill(title);
  await form.getByLabel('Дата посещения').fill('2026-11-20');
  await form.getByLabel('Диагноз: код МКБ-10').fill('J06.9');
  await form.getByLabel('Диагноз: текст').fill('ОРВИ');
  await form.getByLabel('Анонимный приём').check();
  await form.getByLabel('Файлы', { exact: true }).setInputFiles({ name: 'заметки.txt', mimeType: 'text/plain', buffer: Buffer.from('просто текст') });
  await form.getByRole('button', { name: 'Загрузить и отправить' }).click();
  await expect(page).toHaveURL(/\/documents\?upload_error=.*typed_title=/);
  await ready(page, info);
  await expect(page.getByRole('alert')).toContainText('Тип файла не поддерживается.');
  const again = page.getByRole('region', { name: 'Загрузить документы' });
  await expect(again.getByLabel('Категория')).toHaveValue('examinations');
  await expect(again.getByLabel('Название документа')).toHaveValue(title);
  await expect(again.getByLabel('Дата посещения')).toHaveValue('2026-11-20');
  await expect(again.getByLabel('Диагноз: код МКБ-10')).toHaveValue('J06.9');
  await expect(again.getByLabel('Диагноз: текст')).toHaveValue('ОРВИ');
  await expect(again.getByLabel('Анонимный приём')).toBeChecked();
  await expect(again.getByLabel('Файлы', { exact: true })).toHaveValue('');
  await expect(page.getByTestId('upload').filter({ hasText: title })).toHaveCount(0);
});
