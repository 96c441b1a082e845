// Booking steps shared by the browser tests: who books in each project, and the clicks that
// book a service from the doctors' list.
import { expect, Page, TestInfo } from '@playwright/test';
import { jsOn, ready } from './helpers';

// The two projects run at once on one demo database, so each books with its own patient and
// doctor: the hydrated one as Иванова with the therapist, the phone without JavaScript as
// Петров (the guardian's own profile) with the paediatrician.
export const people = (info: TestInfo) =>
  jsOn(info)
    ? {
        patient: 'patient@kabinet.example',
        patientName: 'Иванова Анна Петровна',
        specialty: 'Терапевт',
        doctor: 'Соколов Андрей Викторович',
        inClinic: 'Приём (осмотр, консультация) врача-терапевта повторный',
        online: 'Онлайн-консультация врача-терапевта',
      }
    : {
        patient: 'guardian@kabinet.example',
        patientName: 'Петров Дмитрий Сергеевич',
        specialty: 'Педиатр',
        doctor: 'Кузнецова Елена Сергеевна',
        inClinic: 'Приём (осмотр, консультация) врача-педиатра первичный',
        online: 'Онлайн-консультация врача-педиатра',
      };

/** Follows a link and waits until the page is usable (its islands hydrated, with JavaScript). */
export async function follow(page: Page, info: TestInfo, name: string, exact = false) {
  await page.getByRole('link', { name, exact }).first().click();
  await ready(page, info);
}

/** Chooses the n-th day with free times (the second by default); returns its ISO date. */
export async function chooseDay(page: Page, info: TestInfo, n = 1): Promise<string> {
  const day = page.locator('.days a:not(.full)').nth(n);
  const href = (await day.getAttribute('href')) ?? '';
  await day.click();
  await expect(page).toHaveURL(/day=\d{4}-\d{2}-\d{2}/);
  await ready(page, info);
  return /day=(\d{4}-\d{2}-\d{2})/.exec(href)![1];
}

/** Presses a free time's button; returns the time. */
export async function pressSlot(page: Page, index: number): Promise<string> {
  const slot = page.locator('.slots button').nth(index);
  const time = (await slot.textContent())!.trim();
  await slot.click();
  return time;
}

/** Books `service` at the `slot`-th free time of the `dayIndex`-th day with free times. */
export async function bookService(
  page: Page,
  info: TestInfo,
  who: ReturnType<typeof people>,
  service: string,
  slot: number,
  dayIndex = 1,
) {
  await follow(page, info, 'Запись к врачу', true);
  await expect(page.getByTestId('booking-for')).toHaveText(`Запись для: ${who.patientName}`);
  // Each step is a link and, since the islands change, a page load with JavaScript too (fast:
  // the pages ship almost no script), so no mark left on the window survives to be checked.
  await follow(page, info, who.specialty, true);
  await follow(page, info, `Выбрать ${who.doctor}`);
  const item = page.locator('.service-list li', { hasText: service });
  await expect(item).toContainText('Цена');
  await follow(page, info, `Выбрать ${service}`);
  const day = await chooseDay(page, info, dayIndex);
  const time = await pressSlot(page, slot);
  await expect(page).toHaveURL(/\/appointments\?booked=\d+/);
  await ready(page, info);
  await expect(page.getByRole('status')).toHaveText('Вы записаны.');
  return { day, time };
}
