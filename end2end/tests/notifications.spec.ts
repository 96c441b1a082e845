import { expect, test } from '@playwright/test';
import { bookService, people } from './booking-steps';
import { goto, ready, signIn, signOut, unique } from './helpers';
import { mailbox, waitForMail } from './mail';

const MONTHS = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
/** "2026-12-07" as the portal writes it: "7 декабря 2026". */
const ruDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
};

test('the head sets a «Дней до записи» schedule, a patient books, and the reminder arrives by e-mail once with the right text', async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  const who = people(info);
  const tag = unique('Напоминание', info);

  await signIn(page, info, 'head@kabinet.example');
  await goto(page, info, '/staff/notifications');
  const form = page.locator('form.schedule-form');
  const fill = async (sms: string) => {
    await form.getByLabel('Название графика').fill(tag);
    await form.getByLabel('Тип задачи').selectOption({ label: 'Дней до записи на приём' });
    await form.getByLabel('Дней', { exact: true }).fill('1');
    await form.getByLabel('Время отправки').fill('10:00');
    await form.getByLabel('E-mail', { exact: true }).check();
    await form.getByLabel('Текст SMS').fill(sms);
    await form.getByLabel('Тема письма').fill(`Приём {дата} · ${tag}`);
    await form.getByLabel('Текст письма').fill(`{имя_отчество}, ждём Вас {дата} в {время}, врач {врач}. ${tag}`);
    await form.getByRole('button', { name: 'Сохранить график' }).click();
  };
  // A parameter the list does not have is refused, and nothing is saved.
  await fill('{фамилия}');
  await expect(page.getByText('Неизвестный параметр')).toBeVisible();
  await ready(page, info);
  await expect(page.getByTestId('schedules')).not.toContainText(tag);
  await fill('');
  await expect(page).toHaveURL(/\/staff\/notifications\/\d+\?saved=1$/);
  await ready(page, info);
  await expect(page.getByRole('status')).toHaveText('График сохранён.');
  await expect(page.getByTestId('email-preview')).toContainText('Анна Сергеевна, ждём Вас');
  await signOut(page, info);

  // The patient books two days on or later, so the day before at 10:00 is still ahead.
  await signIn(page, info, who.patient);
  const { day, time } = await bookService(page, info, who, who.inClinic, 0, 2);
  const before = new Date(`${day}T00:00:00Z`);
  before.setUTCDate(before.getUTCDate() - 1);
  const at = `${before.toISOString().slice(0, 10)}T10:00`;

  // The test door runs the engine as if the clinic's clock read `at`, twice: sent once.
  for (let i = 0; i < 2; i++) {
    const res = await page.request.post('/test/notifications/tick', { form: { at }, headers: { Origin: baseURL! } });
    expect(res.status(), await res.text()).toBe(200);
  }
  // Other tests' visits of this patient get this schedule's reminder too (caught up when due):
  // the one for this visit names its date, time and doctor, and comes once.
  const expected = `ждём Вас ${ruDate(day)} в ${time}, врач ${who.doctor}. ${tag}`;
  const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await waitForMail(who.patient, new RegExp(escape(expected)));
  await page.waitForTimeout(500);
  expect(mailbox().filter((m) => m.to.includes(who.patient) && m.body.includes(expected))).toHaveLength(1);

  // The patient sees it in «Учётная запись».
  await goto(page, info, '/account');
  await expect(page.getByTestId('sent-to-me')).toContainText(tag);
  await signOut(page, info);

  // The head's log shows it sent.
  await signIn(page, info, 'head@kabinet.example');
  await goto(page, info, '/staff/notifications/log');
  // A line per visit this schedule reminded of (the other project's patient's too): this
  // patient's were sent to the address on the card.
  const rows = page.getByTestId('notify-log').locator('tr', { hasText: tag }).filter({ hasText: who.patient });
  const sent = rows.filter({ hasText: 'Отправлено' }).first();
  await expect(sent).toContainText(`E-mail ${who.patient}`);
  await expect(sent).toContainText(who.patientName);
});
