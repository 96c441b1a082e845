import { expect, test } from '@playwright/test';
import { goto, ready, signIn } from './helpers';
import { waitForMail } from './mail';

test('the head invites a staff member, who sets a password by the e-mailed link', async ({ page, browser }, info) => {
  const email = `staff.${info.project.name}.${Date.now().toString(36)}@clinic.example`;
  await signIn(page, info, 'head@kabinet.example');
  await goto(page, info, '/staff/team');
  await expect(page.getByRole('heading', { name: 'Сотрудники', level: 1 })).toBeVisible();
  await page.getByLabel('Электронная почта', { exact: true }).fill(email);
  await page.getByLabel('Фамилия Имя Отчество').fill('Белова Ирина Павловна');
  const invite = page.getByRole('group', { name: 'Роли' }).last();
  await invite.getByLabel('Регистратор').check();
  await page.getByRole('button', { name: 'Пригласить', exact: true }).click();
  await ready(page, info);
  await expect(page.getByText('Приглашение отправлено')).toBeVisible();
  const item = page.getByTestId('staff').filter({ hasText: email });
  await expect(item).toContainText('Приглашён(а), пароль ещё не задан');

  // The invited person opens the link from the mail, in a browser of their own.
  const mail = await waitForMail(email, /\/welcome\?token=/);
  const link = /https?:\/\/\S+\/welcome\?token=\S+/.exec(mail.body)![0];
  const theirs = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const other = await theirs.newPage();
  await other.goto(new URL(link).pathname + new URL(link).search);
  await ready(other, info);
  await expect(other.getByRole('heading', { name: 'Добро пожаловать в Кабинет' })).toBeVisible();
  await expect(other.getByText('Белова Ирина Павловна')).toBeVisible();
  await other.getByLabel('Новый пароль').fill('a registrar passphrase');
  await other.getByLabel('Пароль ещё раз').fill('a registrar passphrase');
  await other.getByRole('button', { name: 'Задать пароль' }).click();
  await expect(other).toHaveURL(/\/account$/);
  await theirs.close();

  await goto(page, info, '/staff/team');
  await expect(item).toContainText('Работает');
  await item.getByRole('button', { name: 'Отключить' }).click();
  await ready(page, info);
  await expect(item).toContainText('Отключён(а)');
});
