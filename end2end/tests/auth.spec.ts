import { expect, test } from '@playwright/test';
import { goto, ready, signIn, signOut } from './helpers';

const roles = [
  { email: 'patient@kabinet.example', name: 'Анна Иванова', staff: false },
  { email: 'guardian@kabinet.example', name: 'Дмитрий Петров', staff: false },
  { email: 'doctor@kabinet.example', name: 'Андрей Викторович Соколов', staff: true },
  { email: 'registrar@kabinet.example', name: 'Марина Алексеевна Никитина', staff: true },
  { email: 'editor@kabinet.example', name: 'Наталья Игоревна Фёдорова', staff: true },
  { email: 'head@kabinet.example', name: 'Сергей Анатольевич Волков', staff: true },
];

for (const role of roles) {
  test(`${role.email} signs in and out`, async ({ page }, info) => {
    await signIn(page, info, role.email);
    await expect(page.getByTestId('who')).toHaveText(role.name);
    const nav = page.getByRole('navigation', { name: 'Разделы кабинета' });
    await expect(nav.getByRole('link', { name: 'Новости' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Цены' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Рабочее место' })).toHaveCount(role.staff ? 1 : 0);
    await signOut(page, info);
    // The session is gone: cabinet pages lead back to sign-in.
    await page.goto('/news');
    await expect(page).toHaveURL(/\/signin\?next=\/news$/);
  });
}

test('the demo sign-in page lists the demo accounts', async ({ page }, info) => {
  await goto(page, info, '/signin');
  const demo = page.getByRole('complementary', { name: 'Демонстрационный режим' });
  await expect(demo.getByRole('listitem')).toHaveCount(6);
  await expect(demo).toContainText('guardian@kabinet.example — опекун ребёнка');
  await expect(demo).toContainText('kabinet-demo');
});

test('a wrong password is refused without saying which part was wrong', async ({ page }, info) => {
  await goto(page, info, '/signin');
  await page.getByLabel('Электронная почта').fill('patient@kabinet.example');
  await page.getByLabel('Пароль').fill('not-the-password');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('alert')).toHaveText('Неверная электронная почта или пароль.');
  await expect(page.getByRole('heading', { name: 'Вход в личный кабинет' })).toBeVisible();
});

test('signed out, cabinet pages lead to sign-in and back after it', async ({ page }, info) => {
  await page.goto('/prices?q=УЗИ');
  await expect(page).toHaveURL(/\/signin\?next=/);
  await ready(page, info);
  await page.getByLabel('Электронная почта').fill('patient@kabinet.example');
  await page.getByLabel('Пароль').fill('kabinet-demo');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/prices\?q=/);
  await expect(page.getByRole('heading', { name: 'Цены', level: 1 })).toBeVisible();
});

test('a patient opening an editor page is forbidden', async ({ page }, info) => {
  await signIn(page, info, 'patient@kabinet.example');
  const res = await page.goto('/staff/news/new');
  expect(res?.status()).toBe(403);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Доступ запрещён' })).toBeVisible();
  await expect(page.getByLabel('Заголовок')).toHaveCount(0);
});
