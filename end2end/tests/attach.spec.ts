import { expect, test } from '@playwright/test';
import { goto, jsOn, ready, signIn, unique } from './helpers';

// Each project uses its own staff account (which has no patient card of its own yet) and its
// own phone number, so that the two never read each other's code.
const who = (js: boolean) =>
  js
    ? { email: 'head@kabinet.example', phone: '+7 916 700-00-01', e164: '+79167000001', masked: 'SMS +7… 00-01' }
    : { email: 'editor@kabinet.example', phone: '+7 916 700-00-02', e164: '+79167000002', masked: 'SMS +7… 00-02' };

test('an attach code sent by SMS links a card to the account that enters it, once', async ({ browser }, info) => {
  const person = who(jsOn(info));
  const name = unique('Карта', info).replace(/\s+/g, '');

  const desk = await (await browser.newContext()).newPage();
  await signIn(desk, info, 'registrar@kabinet.example');
  await goto(desk, info, '/staff/cards/new');
  await desk.getByLabel('Фамилия').fill('Сотрудникова');
  await desk.getByLabel('Имя', { exact: true }).fill(name);
  await desk.getByLabel('Дата рождения').fill('1980-06-01');
  await desk.getByLabel('Женский').check();
  await desk.getByLabel('Телефон').fill(person.phone);
  await desk.getByRole('button', { name: 'Создать карту' }).click();
  await expect(desk).toHaveURL(/\/staff\/cards\/\d+$/);
  await ready(desk, info);
  await desk.getByLabel('Для самого пациента').check();
  await desk.getByRole('button', { name: 'Выдать код привязки' }).click();
  await expect(desk.getByText(`Код отправлен: ${person.masked}.`)).toBeVisible();

  // The development SMS provider records the message; the demo mailbox shows it.
  const mailbox = await (await browser.newContext()).newPage();
  await goto(mailbox, info, '/demo/mail');
  const sms = mailbox.getByTestId('mail').filter({ hasText: person.e164 }).first();
  const text = (await sms.locator('.mail-body').textContent()) ?? '';
  const code = /(\d{3} \d{3} \d{3})/.exec(text)![1];

  const home = await (await browser.newContext()).newPage();
  await signIn(home, info, person.email);
  await home.getByRole('link', { name: 'Учётная запись' }).click();
  await ready(home, info);
  await home.getByLabel('Код привязки').fill('000 000 000');
  await home.getByRole('button', { name: 'Привязать' }).click();
  await expect(home.getByRole('alert')).toContainText('Код привязки не подошёл');
  await ready(home, info);
  await home.getByLabel('Код привязки').fill(code);
  await home.getByRole('button', { name: 'Привязать' }).click();
  await expect(home.locator('#attach').getByText('Карта привязана.')).toBeVisible();
  await goto(home, info, '/account');
  await expect(home.locator('#contacts')).toContainText(`Сотрудникова ${name}`);
  // Used once: a second attempt is refused.
  await home.getByLabel('Код привязки').fill(code);
  await home.getByRole('button', { name: 'Привязать' }).click();
  await expect(home.getByRole('alert')).toContainText('Код привязки не подошёл');
});
