import { expect, Page, test, TestInfo } from '@playwright/test';
import { bookService, chooseDay, follow, people, pressSlot } from './booking-steps';
import { jsOn, ready, signIn, signOut } from './helpers';


test('a patient books a visit and an online consultation, cancels one and moves the other; the desk sees both', async ({ page }, info) => {
  test.setTimeout(90_000);
  const who = people(info);
  await signIn(page, info, who.patient);

  // An in-clinic visit, with its price.
  const visit = await bookService(page, info, who, who.inClinic, 0);
  const visitItem = page.getByTestId('upcoming').locator('li.appointment', { hasText: who.inClinic });
  await expect(visitItem).toContainText(who.doctor);
  await expect(visitItem).toContainText(visit.time);
  await expect(visitItem).toContainText(/Цена: \d[\d\s\u202f]*\u00a0₽/);
  await expect(visitItem.getByTestId('status')).toHaveText('Записан');

  // An online consultation on the same day, with its video room.
  const consult = await bookService(page, info, who, who.online, 1);
  const consultItem = page.getByTestId('upcoming').locator('li.appointment', { hasText: who.online });
  await expect(consultItem).toContainText('Онлайн-консультация');
  const video = consultItem.getByRole('link', { name: 'Подключиться к видеоконсультации' });
  await expect(video).toHaveAttribute('href', /^https:\/\/meet\.jit\.si\/[0-9a-f]{32}$/);

  // Cancel the visit, with a reason from the clinic's list and words after it; without a
  // choice the browser asks for one.
  const reasonBox = visitItem.getByLabel('Причина отмены');
  expect(await reasonBox.evaluate((e: HTMLSelectElement) => e.validity.valueMissing)).toBe(true);
  await visitItem.getByRole('button', { name: 'Отменить запись' }).click();
  await expect(visitItem.getByTestId('status')).toHaveText('Записан');
  await expect(page).not.toHaveURL(/cancelled=/);
  const words = `в командировке (${info.project.name})`;
  const reason = `Изменились планы: ${words}`;
  await reasonBox.selectOption({ label: 'Изменились планы' });
  await visitItem.getByLabel('Подробнее (для другой причины — обязательно)').fill(words);
  await visitItem.getByRole('button', { name: 'Отменить запись' }).click();
  await expect(page).toHaveURL(/\/appointments\?cancelled=\d+/);
  await ready(page, info);
  await expect(page.getByRole('status')).toHaveText('Запись отменена.');
  const cancelled = page.getByTestId('past').locator('li.appointment', { hasText: who.inClinic });
  await expect(cancelled.getByTestId('status')).toHaveText('Отменена');
  await expect(cancelled).toContainText(`Причина отмены: ${reason}`);

  // Move the consultation to another free time of the same day.
  await page.getByTestId('upcoming').locator('li.appointment', { hasText: who.online }).getByRole('link', { name: 'Перенести' }).click();
  await ready(page, info);
  await expect(page.getByRole('status')).toContainText('Перенос записи');
  await page.locator(`.days a[href*="day=${consult.day}"]`).click();
  await expect(page).toHaveURL(new RegExp(`day=${consult.day}`));
  await ready(page, info);
  // With JavaScript the day's times arrive after the address changes: wait for them.
  const slots = page.locator('.slots button');
  await expect(slots.first()).toBeVisible();
  const count = await slots.count();
  let movedTo = '';
  for (let i = count - 1; i >= 0; i--) {
    const t = (await slots.nth(i).textContent())!.trim();
    if (t !== consult.time && t !== visit.time) {
      movedTo = t;
      await slots.nth(i).click();
      break;
    }
  }
  expect(movedTo, 'another free time that day').not.toBe('');
  await expect(page).toHaveURL(/\/appointments\?moved=\d+/);
  await ready(page, info);
  await expect(page.getByRole('status')).toHaveText('Запись перенесена.');
  await expect(page.getByTestId('upcoming').locator('li.appointment', { hasText: who.online })).toContainText(movedTo);

  // The registrar sees both in the day's book: the cancellation with its reason on hover,
  // the consultation at its new time with the move in its history.
  await signOut(page, info);
  await signIn(page, info, 'registrar@kabinet.example');
  await page.goto('/staff/appointments');
  await ready(page, info);
  await page.getByLabel('Врач').selectOption({ label: `${who.doctor} — ${who.specialty}` });
  await page.getByLabel('День').fill(visit.day);
  await page.getByRole('button', { name: 'Показать' }).click();
  await ready(page, info);
  const row = (time: string) => page.locator('table.day-book tbody tr', { hasText: time }).filter({ hasText: who.patientName });
  await expect(row(visit.time).getByTestId('book-status')).toHaveText('Отменена');
  await expect(row(visit.time).getByTestId('book-status')).toHaveAttribute('title', reason);
  await expect(row(movedTo).getByTestId('book-status')).toHaveText('Записан');
  await row(movedTo).getByRole('link', { name: who.patientName }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'История записи' })).toBeVisible();
  await expect(page.locator('table.journal')).toContainText(`Перенесена: ${consult.day} ${consult.time} → ${consult.day} ${movedTo}`);
});

test('a guardian books for the child from the child’s profile', async ({ page }, info) => {
  test.setTimeout(60_000);
  await signIn(page, info, 'guardian@kabinet.example');
  const answered = jsOn(info) ? page.waitForResponse((r) => r.url().includes('/rpc/switch_profile')) : null;
  await page.getByLabel('Профиль').selectOption({ label: 'Петрова Мария Дмитриевна (подопечный)' });
  await page.getByRole('button', { name: 'Переключить профиль' }).click();
  if (answered) expect((await answered).ok()).toBe(true);
  await ready(page, info);
  await follow(page, info, 'Запись к врачу', true);
  await expect(page.getByTestId('booking-for')).toHaveText('Запись для: Петрова Мария Дмитриевна');
  // Each project its own doctor: the cardiologist has services, the ultrasound doctor none.
  if (jsOn(info)) {
    await follow(page, info, 'Кардиолог', true);
    await follow(page, info, 'Выбрать Морозов Игорь Павлович');
    await follow(page, info, 'Выбрать Регистрация электрокардиограммы');
  } else {
    await follow(page, info, 'Врач ультразвуковой диагностики', true);
    await follow(page, info, 'Выбрать Белова Ольга Николаевна');
    await expect(page.locator('.service-list')).toHaveCount(0);
  }
  await chooseDay(page, info);
  const time = await pressSlot(page, 0);
  await expect(page).toHaveURL(/\/appointments\?booked=\d+/);
  await ready(page, info);
  await expect(page.getByText('Запись для: Петрова Мария Дмитриевна')).toBeVisible();
  // Both projects book for the same child: find this project's doctor.
  const doctor = jsOn(info) ? 'Морозов Игорь Павлович' : 'Белова Ольга Николаевна';
  const item = page.getByTestId('upcoming').locator('li.appointment', { hasText: doctor });
  await expect(item).toContainText(time);
});

test('a time taken meanwhile is refused with the nearest free times, not an error page', async ({ page, context }, info) => {
  test.setTimeout(60_000);
  const who = jsOn(info)
    ? { patient: 'patient@kabinet.example', specialty: 'Кардиолог', doctor: 'Морозов Игорь Павлович',
        service: 'Приём (осмотр, консультация) врача-кардиолога первичный' }
    : { patient: 'guardian@kabinet.example', specialty: 'Врач ультразвуковой диагностики', doctor: 'Белова Ольга Николаевна',
        service: null };
  await signIn(page, info, who.patient);
  await follow(page, info, 'Запись к врачу', true);
  await follow(page, info, who.specialty, true);
  await follow(page, info, `Выбрать ${who.doctor}`);
  if (who.service) await follow(page, info, `Выбрать ${who.service}`);
  await chooseDay(page, info, 3);
  // The same times open in a second tab, which books one of them first.
  const other = await context.newPage();
  await other.goto(page.url());
  await ready(other, info);
  const time = await pressSlot(other, 0);
  await expect(other).toHaveURL(/\/appointments\?booked=\d+/);
  // The first tab still offers that time; pressing it gets a clear answer on the same page.
  await page.locator('.slots button', { hasText: time }).click();
  await expect(page.getByRole('alert')).toContainText('Это время только что заняли. Ближайшее свободное время:');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Запись к врачу');
  await expect(page.locator('.slots button', { hasText: time })).toHaveCount(0);
});
