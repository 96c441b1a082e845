import { expect, test } from '@playwright/test';
import { jsOn, ready, signIn } from './helpers';

test('a guardian switches to the child’s profile and back', async ({ page }, info) => {
  // With JavaScript the form posts in the background: wait for the server's answer, since the
  // select shows the new choice before the server has it.
  const switchProfile = async () => {
    const answered = jsOn(info) ? page.waitForResponse((r) => r.url().includes('/rpc/switch_profile')) : null;
    await page.getByRole('button', { name: 'Переключить профиль' }).click();
    if (answered) expect((await answered).ok()).toBe(true);
    await ready(page, info);
  };
  await signIn(page, info, 'guardian@kabinet.example');
  const select = page.getByLabel('Профиль');
  await expect(select.locator('option')).toHaveText([
    'Петров Дмитрий Сергеевич (мой профиль)',
    'Петрова Мария Дмитриевна (подопечный)',
    'Петров Иван Дмитриевич (подопечный)',
  ]);
  await expect(select.locator('option:checked')).toHaveText('Петров Дмитрий Сергеевич (мой профиль)');
  await select.selectOption({ label: 'Петрова Мария Дмитриевна (подопечный)' });
  await switchProfile();
  await expect(page.getByLabel('Профиль').locator('option:checked')).toHaveText('Петрова Мария Дмитриевна (подопечный)');
  // The choice is kept by the server: it survives a reload.
  await page.reload();
  await ready(page, info);
  await expect(page.getByLabel('Профиль').locator('option:checked')).toHaveText('Петрова Мария Дмитриевна (подопечный)');
  await page.getByLabel('Профиль').selectOption({ label: 'Петров Дмитрий Сергеевич (мой профиль)' });
  await switchProfile();
  await expect(page.getByLabel('Профиль').locator('option:checked')).toHaveText('Петров Дмитрий Сергеевич (мой профиль)');
});

test('a patient without wards has no profile switcher', async ({ page }, info) => {
  await signIn(page, info, 'patient@kabinet.example');
  await expect(page.getByLabel('Профиль')).toHaveCount(0);
});
