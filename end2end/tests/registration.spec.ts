import { expect, Page, test, TestInfo } from '@playwright/test';
import { goto, ready, signIn, signOut } from './helpers';
import { codeIn, waitForMail } from './mail';
import { totp } from './totp';

const CODE_MAIL = /Ваш проверочный код/;

async function requestCode(page: Page, info: TestInfo, p: { email: string; surname: string; name: string; birth: string }) {
  await goto(page, info, '/signin');
  await page.getByRole('link', { name: 'Регистрация пациента, смена пароля' }).click();
  await expect(page).toHaveURL(/\/register$/);
  await ready(page, info);
  await page.getByLabel('Электронная почта').fill(p.email);
  await page.getByLabel('Фамилия').fill(p.surname);
  await page.getByLabel('Имя').fill(p.name);
  await page.getByLabel('Дата рождения').fill(p.birth);
  await page.getByRole('button', { name: 'Получить код' }).click();
  await expect(page).toHaveURL(/\/register\/code\?email=/);
  await ready(page, info);
  await expect(page.getByLabel('Электронная почта')).toHaveValue(p.email);
}

async function setPassword(page: Page, info: TestInfo, code: string, password: string) {
  await page.getByLabel('Проверочный код').fill(code);
  await page.getByLabel('Новый пароль').fill(password);
  await page.getByLabel('Пароль ещё раз').fill(password);
  await page.getByRole('button', { name: 'Сохранить пароль и войти' }).click();
}

test('the front desk invites a patient, who registers with the e-mailed code and later resets the password', async ({ browser }, info) => {
  // About a hundred steps and a dozen password hashes: ~22 s on an idle machine, and it ran
  // out of the default 30 s in both projects while the machine was busy with other builds.
  test.setTimeout(60_000);
  const tag = `${info.project.name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const email = `sokolov-${tag}@example.com`;
  const person = { email, surname: 'Соколов', name: 'Игорь', birth: '1975-11-30' };

  // The registrar creates the card, records the three consents and sends the invitation.
  const desk = await (await browser.newContext()).newPage();
  await signIn(desk, info, 'registrar@kabinet.example');
  await desk.getByRole('link', { name: 'Рабочее место' }).click();
  await ready(desk, info);
  await desk.getByRole('link', { name: 'Карты пациентов' }).first().click();
  await ready(desk, info);
  await desk.getByRole('link', { name: 'Новая карта' }).click();
  await ready(desk, info);
  await desk.getByLabel('Фамилия').fill(person.surname);
  await desk.getByLabel('Имя', { exact: true }).fill(person.name);
  await desk.getByLabel('Дата рождения').fill(person.birth);
  await desk.getByLabel('Мужской').check();
  await desk.getByLabel('Телефон').fill('+7 916 000-11-22');
  await desk.getByLabel('Электронная почта').fill(email);
  await desk.getByRole('button', { name: 'Создать карту' }).click();
  await expect(desk).toHaveURL(/\/staff\/cards\/\d+$/);
  await ready(desk, info);
  await expect(desk.getByRole('heading', { name: 'Соколов Игорь', level: 1 })).toBeVisible();
  await expect(desk.getByRole('button', { name: 'Отправить приглашение' })).toBeDisabled();
  await desk.getByLabel('На телемедицинские консультации').check();
  await desk.getByLabel('На получение результатов по эл. почте').check();
  await desk.getByLabel('На обработку персональных данных (152-ФЗ)').check();
  await expect(desk.getByLabel('Адрес для результатов')).toHaveValue(email);
  await desk.getByRole('button', { name: 'Сохранить согласия' }).click();
  await expect(desk.getByTestId('consents')).not.toContainText('не подписано');
  await ready(desk, info);
  await desk.getByRole('button', { name: 'Отправить приглашение' }).click();
  await expect(desk.getByText('Приглашение поставлено в очередь отправки.')).toBeVisible();

  // The invitation arrives through the real SMTP server and links to the sign-in page.
  const invitation = await waitForMail(email, /приглашает вас/);
  const link = /(http:\/\/\S+\/signin)/.exec(invitation.body)![1];

  const patient = await (await browser.newContext()).newPage();
  await patient.goto(link);
  await ready(patient, info);
  await requestCode(patient, info, person);
  const code = codeIn(await waitForMail(email, CODE_MAIL));

  // A wrong code is refused in plain words; the right one sets the password and signs in.
  await setPassword(patient, info, 'AAAA-AAAA', 'sokolov strong password');
  await expect(patient.getByRole('alert')).toContainText('Код неверен');
  await ready(patient, info);
  await setPassword(patient, info, code, 'sokolov strong password');
  await expect(patient).toHaveURL(/\/news$/);
  await ready(patient, info);
  await expect(patient.getByText(/Соколов/).first()).toBeVisible();
  // Turns on the second factor: the key from the page, the first code, the password.
  await patient.getByRole('link', { name: 'Учётная запись' }).click();
  await expect(patient).toHaveURL(/\/account$/);
  await ready(patient, info);
  await patient.getByRole('button', { name: 'Включить второй фактор' }).click();
  const keyBox = patient.getByTestId('totp-key');
  await expect(keyBox).toBeVisible();
  await ready(patient, info);
  const key = (await keyBox.textContent())!;
  await expect(patient.locator('.qr svg')).toBeVisible();
  await patient.getByLabel('Код из приложения').fill(totp(key));
  await patient.locator('#second-factor').getByLabel('Текущий пароль').fill('sokolov strong password');
  await patient.getByRole('button', { name: 'Подтвердить и включить' }).click();
  const codesList = patient.getByTestId('recovery-codes');
  await expect(codesList.locator('li')).toHaveCount(10);
  const recovery = (await codesList.locator('code').allTextContents()).map((c) => c.trim());
  await ready(patient, info);
  await patient.getByRole('button', { name: 'Я сохранил(а) коды' }).click();
  await expect(patient.getByTestId('totp-status')).toContainText('Второй фактор включён');
  await ready(patient, info);
  await signOut(patient, info);

  // Password, then the code from the app (the next step's: the first one was spent).
  const signInWithPassword = async (password: string) => {
    await patient.getByLabel('Электронная почта').fill(email);
    await patient.getByLabel('Пароль').fill(password);
    await patient.getByRole('button', { name: 'Войти' }).click();
    await expect(patient).toHaveURL(/\/signin\/second-factor/);
    await ready(patient, info);
  };
  await signInWithPassword('sokolov strong password');
  await patient.getByLabel('Код из приложения или резервный код').fill(totp(key, Date.now() / 1000 + 30));
  await patient.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(patient).toHaveURL(/\/news$/);
  await ready(patient, info);
  await signOut(patient, info);

  // A recovery code works once.
  await signInWithPassword('sokolov strong password');
  await patient.getByLabel('Код из приложения или резервный код').fill(recovery[0]);
  await patient.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(patient).toHaveURL(/\/news$/);
  await ready(patient, info);
  await signOut(patient, info);
  await signInWithPassword('sokolov strong password');
  await patient.getByLabel('Код из приложения или резервный код').fill(recovery[0]);
  await patient.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(patient.getByRole('alert')).toContainText('Код не подошёл');

  // Forgot the password: the same flow with a new code, through the one-click link; the
  // second factor is still asked for.
  await requestCode(patient, info, person);
  const reset = await waitForMail(email, CODE_MAIL, 2);
  const oneClick = /(http:\/\/\S+\/register\/code\?\S+)/.exec(reset.body)![1];
  await patient.goto(oneClick);
  await ready(patient, info);
  await expect(patient.getByLabel('Проверочный код')).toHaveValue(codeIn(reset).replace('-', ''));
  await patient.getByLabel('Новый пароль').fill('a brand new passphrase');
  await patient.getByLabel('Пароль ещё раз').fill('a brand new passphrase');
  await patient.getByRole('button', { name: 'Сохранить пароль и войти' }).click();
  await expect(patient).toHaveURL(/\/signin\/second-factor/);
  await ready(patient, info);
  await patient.getByLabel('Код из приложения или резервный код').fill(recovery[1]);
  await patient.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(patient).toHaveURL(/\/news$/);
});

test('a common password is refused with a reason', async ({ page }, info) => {
  await goto(page, info, '/register/code?email=someone%40example.com&code=ABCD1234');
  await setPassword(page, info, 'ABCD1234', '12345678');
  await expect(page.getByText('Этот пароль слишком распространён')).toBeVisible();
});
