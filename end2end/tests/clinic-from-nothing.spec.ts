// A whole clinic from nothing, as an installer meets Kabinet: the built binary on an empty
// database (no `demo`, no demo mode, so staff must turn on the second factor), `kabinet
// create-head` printing the one-time link, the head setting the clinic up page by page — the
// details, a branch, a tariff plan, the MIS's price list from an XLSX, a doctor with a service
// and a day of work —, inviting a registrar by e-mail (read from the real SMTP server), the
// registrar opening a patient's card and inviting the patient, who registers and books.
//
// Each project starts its own server (scripts/e2e-server with E2E_EMPTY=1) on its own port.
import { expect, Page, test, TestInfo } from '@playwright/test';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsOn, ready } from './helpers';
import { codeIn, waitForMail } from './mail';
import { totp } from './totp';

const repo = join(__dirname, '../..');
const xlsx = join(repo, 'server/tests/fixtures/prices-mis.xlsx');
// The binary scripts/e2e-server starts, by the same defaults as scripts/env.sh.
const bin =
  process.env.KABINET_BIN ??
  join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/kabinet/target'), 'debug/kabinet');

interface Clinic {
  base: string;
  dir: string;
  maildir: string;
  server: ChildProcess;
  env: NodeJS.ProcessEnv;
}

/** The portal on an empty database in a folder of its own, with its own SMTP server. */
async function startEmptyClinic(info: TestInfo): Promise<Clinic> {
  const port = Number(process.env.E2E_PORT ?? 3100) + (jsOn(info) ? 20 : 30);
  const dir = mkdtempSync(join(tmpdir(), 'kabinet-clinic-'));
  const maildir = join(dir, 'mail');
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('KABINET_') || k === 'KABINET_SITE_ROOT' || k === 'KABINET_BIN'),
  );
  Object.assign(env, { E2E_EMPTY: '1', E2E_DATA_DIR: dir, E2E_MAILDIR: maildir });
  const server = spawn('bash', [join(repo, 'scripts/e2e-server'), String(port)], { env, stdio: 'ignore', detached: true });
  const base = `http://127.0.0.1:${port}`;
  // The portal, and its SMTP server: the first invitation is sent as soon as it is made.
  const smtpUp = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port + 1, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  for (let tries = 0; ; tries++) {
    const up = (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) && (await smtpUp());
    if (up) break;
    if (tries > 600) throw new Error('the empty clinic did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  // What `kabinet create-head` needs to reach the same database and mail the same way.
  const cli = {
    ...env,
    KABINET_ADDR: `127.0.0.1:${port}`,
    KABINET_PUBLIC_URL: base,
    KABINET_SMTP_URL: `smtp://127.0.0.1:${port + 1}`,
  };
  return { base, dir, maildir, server, env: cli };
}

function stopClinic(c: Clinic) {
  try {
    process.kill(-c.server.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  rmSync(c.dir, { recursive: true, force: true });
}

async function go(page: Page, info: TestInfo, url: string) {
  await page.goto(url);
  await ready(page, info);
}

/** On the account page: turns on the second factor with a code computed from the shown key. */
async function enrolSecondFactor(page: Page, info: TestInfo, base: string, password: string) {
  await go(page, info, `${base}/account`);
  await page.getByRole('button', { name: 'Включить второй фактор' }).click();
  const keyBox = page.getByTestId('totp-key');
  await expect(keyBox).toBeVisible();
  await ready(page, info);
  const key = (await keyBox.textContent())!;
  await page.getByLabel('Код из приложения').fill(totp(key));
  await page.locator('#second-factor').getByLabel('Текущий пароль').fill(password);
  await page.getByRole('button', { name: 'Подтвердить и включить' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await ready(page, info);
  await page.getByRole('button', { name: 'Я сохранил(а) коды' }).click();
  await expect(page.getByTestId('totp-status')).toContainText('Второй фактор включён');
  await ready(page, info);
}

/** Follows a one-time welcome link and sets the password; lands on the account page. */
async function acceptInvitation(page: Page, info: TestInfo, link: string, name: string, password: string) {
  await go(page, info, link);
  await expect(page.getByRole('heading', { name: 'Добро пожаловать в Кабинет' })).toBeVisible();
  await expect(page.getByText(name)).toBeVisible();
  await page.getByLabel('Новый пароль').fill(password);
  await page.getByLabel('Пароль ещё раз').fill(password);
  await page.getByRole('button', { name: 'Задать пароль' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await ready(page, info);
}

test('a clinic from nothing: head, details, branch, prices, doctor, registrar, a patient who books', async ({ browser }, info) => {
  test.setTimeout(240_000);
  const clinic = await startEmptyClinic(info);
  try {
    const { base, maildir } = clinic;
    const ctx = () => browser.newContext({ javaScriptEnabled: jsOn(info), baseURL: base });
    const tag = `${info.project.name}-${Date.now().toString(36)}`;
    const headEmail = `head-${tag}@clinic.example`;

    // The installer runs create-head: a link printed, and mailed.
    const out = execFileSync(bin, ['create-head', headEmail, 'Соколова Анна Сергеевна'], {
      cwd: clinic.dir,
      env: clinic.env,
      encoding: 'utf8',
    });
    const link = /(http:\/\/\S+\/welcome\?token=\S+)/.exec(out)![1];
    const mailed = await waitForMail(headEmail, /\/welcome\?token=/, 1, 20_000, maildir);
    expect(mailed.body).toContain(link);

    // The head: a password by the link, the second factor, then the clinic's details first.
    const head = await (await ctx()).newPage();
    await acceptInvitation(head, info, link, 'Соколова Анна Сергеевна', 'the head passphrase');
    await enrolSecondFactor(head, info, base, 'the head passphrase');
    await go(head, info, `${base}/news`);
    await expect(head).toHaveURL(/\/staff\/clinic$/);
    await expect(head.getByText('Прежде чем начать работу')).toBeVisible();
    await head.getByLabel('Название клиники').fill('Клиника «Здоровье»');
    await head.getByLabel('Адрес').fill('г. Томск, ул. Ленина, 1');
    await head.getByLabel('Телефон').fill('+7 (3822) 12-34-56');
    await head.getByLabel('Часовой пояс').selectOption('420');
    await head.getByRole('button', { name: 'Сохранить', exact: true }).click();
    await expect(head).toHaveURL(/\/staff$/);
    await ready(head, info);

    // A branch.
    await go(head, info, `${base}/staff/branches`);
    await head.getByLabel('Название филиала').last().fill('Филиал на Ленина');
    await head.getByLabel('Адрес').last().fill('г. Томск, ул. Ленина, 1');
    await head.getByRole('button', { name: 'Добавить филиал' }).click();
    await ready(head, info);
    await expect(head.getByTestId('branch').filter({ has: head.getByRole('heading', { name: 'Филиал на Ленина' }) })).toBeVisible();

    // A tariff plan the cabinet shows, then the MIS's price list into it.
    await go(head, info, `${base}/staff/prices`);
    await head.getByLabel('Название').first().fill('Платные услуги');
    await head.getByLabel('Источник финансирования').first().selectOption('paid');
    await head.getByLabel('Показывать в личном кабинете').first().check();
    await head.getByRole('button', { name: 'Добавить тарифный план' }).click();
    await ready(head, info);
    await go(head, info, `${base}/staff/prices`);
    await expect(head.getByLabel('Название').first()).toHaveValue('Платные услуги');
    await head.getByLabel('Файл CSV или XLSX').setInputFiles(xlsx);
    await head.getByRole('button', { name: 'Загрузить' }).click();
    await ready(head, info);
    await expect(head.getByText('Будет добавлено услуг: 5')).toBeVisible();
    await head.getByRole('button', { name: 'Применить' }).click();
    await ready(head, info);
    await expect(head.getByRole('status').filter({ hasText: 'Прайс-лист обновлён: добавлено 5' })).toBeVisible();

    // A doctor in that branch, open for online booking, with a service and a morning of work next week.
    const doctor = 'Орлов Павел Игоревич';
    const service = 'Консультация кандидата медицинских наук первично';
    await go(head, info, `${base}/staff/doctors`);
    const add = head.locator('section').filter({ has: head.getByRole('heading', { name: 'Добавить врача' }) });
    await add.getByLabel('Фамилия Имя Отчество').fill(doctor);
    await add.getByLabel('Специальность').selectOption('Терапевт');
    await add.getByRole('group', { name: 'Филиалы' }).getByLabel('Филиал на Ленина').check();
    await add.getByLabel('Показывать в онлайн-записи').check();
    await add.getByRole('button', { name: 'Добавить врача' }).click();
    await ready(head, info);
    await expect(head.getByTestId('doctor').filter({ has: head.getByRole('heading', { name: doctor }) })).toBeVisible();

    await go(head, info, `${base}/staff/booking`);
    const settings = head.locator('section.panel').filter({ has: head.getByRole('heading', { name: doctor }) });
    await settings.getByText('Привязать услугу').click();
    await settings.getByLabel('Услуга').selectOption({ label: `01000005 ${service}` });
    await settings.getByLabel('Цена, ₽').fill('3500,50');
    await settings.getByRole('button', { name: 'Сохранить услугу' }).click();
    await ready(head, info);
    await go(head, info, `${base}/staff/booking`);
    await expect(settings.locator('.service-list li')).toContainText(service);

    await go(head, info, `${base}/staff/schedule`);
    await head.getByRole('link', { name: 'Следующая неделя →' }).click();
    await ready(head, info);
    const monday = head.locator('form.schedule-day').first();
    await monday.getByLabel('Филиал').selectOption({ label: 'Филиал на Ленина' });
    await monday.getByLabel('Начало приёма').fill('09:00');
    await monday.getByLabel('Конец приёма').fill('12:00');
    await monday.getByRole('button', { name: 'Сохранить день' }).click();
    await ready(head, info);
    await head.reload();
    await ready(head, info);
    await expect(head.locator('form.schedule-day').first().getByLabel('Начало приёма')).toHaveValue('09:00');

    // A registrar, invited by e-mail.
    const registrarEmail = `desk-${tag}@clinic.example`;
    await go(head, info, `${base}/staff/team`);
    await head.getByLabel('Электронная почта', { exact: true }).fill(registrarEmail);
    await head.getByLabel('Фамилия Имя Отчество').fill('Белова Ирина Павловна');
    await head.getByRole('group', { name: 'Роли' }).last().getByLabel('Регистратор').check();
    await head.getByRole('button', { name: 'Пригласить', exact: true }).click();
    await ready(head, info);
    await expect(head.getByText('Приглашение отправлено')).toBeVisible();
    const invitation = await waitForMail(registrarEmail, /\/welcome\?token=/, 1, 20_000, maildir);
    const deskLink = /(https?:\/\/\S+\/welcome\?token=\S+)/.exec(invitation.body)![1];

    // The registrar: password, second factor, then a patient's card with consents and an invitation.
    const desk = await (await ctx()).newPage();
    await acceptInvitation(desk, info, deskLink, 'Белова Ирина Павловна', 'the registrar passphrase');
    await enrolSecondFactor(desk, info, base, 'the registrar passphrase');
    const patientEmail = `patient-${tag}@example.com`;
    await go(desk, info, `${base}/staff/cards/new`);
    await desk.getByLabel('Фамилия').fill('Лебедев');
    await desk.getByLabel('Имя', { exact: true }).fill('Олег');
    await desk.getByLabel('Дата рождения').fill('1982-04-12');
    await desk.getByLabel('Мужской').check();
    await desk.getByLabel('Телефон').fill('+7 913 555-01-02');
    await desk.getByLabel('Электронная почта').fill(patientEmail);
    await desk.getByRole('button', { name: 'Создать карту' }).click();
    await expect(desk).toHaveURL(/\/staff\/cards\/\d+$/);
    await ready(desk, info);
    await desk.getByLabel('На телемедицинские консультации').check();
    await desk.getByLabel('На получение результатов по эл. почте').check();
    await desk.getByLabel('На обработку персональных данных (152-ФЗ)').check();
    await desk.getByRole('button', { name: 'Сохранить согласия' }).click();
    await expect(desk.getByTestId('consents')).not.toContainText('не подписано');
    await ready(desk, info);
    await desk.getByRole('button', { name: 'Отправить приглашение' }).click();
    await expect(desk.getByText('Приглашение поставлено в очередь отправки.')).toBeVisible();

    // The patient registers from the invitation with the e-mailed code.
    const welcome = await waitForMail(patientEmail, /приглашает вас/, 1, 30_000, maildir);
    const signin = /(http:\/\/\S+\/signin)/.exec(welcome.body)![1];
    const patient = await (await ctx()).newPage();
    await go(patient, info, signin);
    await patient.getByRole('link', { name: 'Регистрация пациента, смена пароля' }).click();
    await ready(patient, info);
    await patient.getByLabel('Электронная почта').fill(patientEmail);
    await patient.getByLabel('Фамилия').fill('Лебедев');
    await patient.getByLabel('Имя').fill('Олег');
    await patient.getByLabel('Дата рождения').fill('1982-04-12');
    await patient.getByRole('button', { name: 'Получить код' }).click();
    await expect(patient).toHaveURL(/\/register\/code\?email=/);
    await ready(patient, info);
    const code = codeIn(await waitForMail(patientEmail, /Ваш проверочный код/, 1, 20_000, maildir));
    await patient.getByLabel('Проверочный код').fill(code);
    await patient.getByLabel('Новый пароль').fill('the patient passphrase');
    await patient.getByLabel('Пароль ещё раз').fill('the patient passphrase');
    await patient.getByRole('button', { name: 'Сохранить пароль и войти' }).click();
    await expect(patient).not.toHaveURL(/\/register/);
    await ready(patient, info);

    // The patient sees the clinic's price and books the doctor, the clinic's name at the foot.
    await expect(patient.locator('footer')).toContainText('Клиника «Здоровье»');
    await patient.getByRole('link', { name: 'Цены', exact: true }).first().click();
    await ready(patient, info);
    await expect(patient.getByRole('row').filter({ hasText: service })).toContainText('3 500,50 ₽');
    await patient.getByRole('link', { name: 'Запись к врачу', exact: true }).first().click();
    await ready(patient, info);
    await patient.getByRole('link', { name: 'Терапевт', exact: true }).first().click();
    await ready(patient, info);
    await patient.getByRole('link', { name: `Выбрать ${doctor}` }).first().click();
    await ready(patient, info);
    await patient.getByRole('link', { name: `Выбрать ${service}` }).first().click();
    await ready(patient, info);
    await patient.locator('.days a:not(.full)').first().click();
    await expect(patient).toHaveURL(/day=\d{4}-\d{2}-\d{2}/);
    await ready(patient, info);
    const slot = patient.locator('.slots button').first();
    await expect(slot).toHaveText('09:00');
    await slot.click();
    await expect(patient).toHaveURL(/\/appointments\?booked=\d+/);
    await ready(patient, info);
    await expect(patient.getByRole('status')).toHaveText('Вы записаны.');
    const booked = patient.getByTestId('upcoming').locator('li.appointment', { hasText: service });
    await expect(booked).toContainText(doctor);
    await expect(booked).toContainText('Филиал на Ленина');

    // The head reads it all in the journal.
    await go(head, info, `${base}/staff/journal`);
    for (const what of ['Филиал на Ленина', doctor, 'Белова Ирина Павловна']) {
      await expect(head.getByRole('row').filter({ hasText: what }).first()).toBeVisible();
    }
  } finally {
    stopClinic(clinic);
  }
});
