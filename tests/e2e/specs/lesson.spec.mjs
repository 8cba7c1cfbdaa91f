// A lesson on the page, end to end: the panel, a failed check in plain
// words, a hint, "show me" typed into the console, a passing check, the
// next step, and a reload that keeps the progress; a link opens a step.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';
import { LessonPanel } from '../pages/lesson.mjs';

test('the quorum lesson: check, hint, show me, check, next, reload', async ({ page }) => {
  test.setTimeout(120_000);
  const app = new Playground(page);
  const lesson = new LessonPanel(page, app);
  await app.openWithLeader();
  await lesson.open();
  await lesson.start('quorum');
  await app.waitForLeader();
  await expect(lesson.title).toHaveText('Quorum');
  await expect(lesson.stepTitle).toHaveText('Step 1 of 4: One member down');
  expect(await lesson.markStates()).toEqual(['current', 'todo', 'todo', 'todo']);

  // Nothing done yet: the check says what is missing.
  expect(await lesson.check()).toBe(false);
  expect(await lesson.resultLines()).toContain('✗ etcd-3 is stopped: etcd-3 is still running');

  await lesson.typesAndFinishes(lesson.hintButton, 'lesson hint');
  await expect(lesson.hints).toHaveCount(1);
  await expect(lesson.hints.first()).toContainText('cluster stop etcd-3');

  await lesson.showMeAndTypeAll();
  expect(await lesson.check()).toBe(true);
  expect(await lesson.markStates()).toEqual(['done', 'todo', 'todo', 'todo']);

  await lesson.typesAndFinishes(lesson.nextButton, 'lesson next');
  await expect(lesson.stepTitle).toHaveText('Step 2 of 4: Quorum lost');
  expect(await lesson.markStates()).toEqual(['done', 'current', 'todo', 'todo']);
  await app.screenshot('lesson');

  // A reload replays the session: the lesson, its step and its marks come back.
  await page.reload();
  await app.waitUntilLive();
  await expect(lesson.panel).toBeVisible();
  await expect(lesson.stepTitle).toHaveText('Step 2 of 4: Quorum lost', { timeout: 30_000 });
  expect(await lesson.markStates()).toEqual(['done', 'current', 'todo', 'todo']);
  await expect(lesson.link).toHaveAttribute('href', '#lesson=quorum/2');
  app.expectNoErrors();
});

test('a link opens a lesson at a step', async ({ page }) => {
  const app = new Playground(page);
  const lesson = new LessonPanel(page, app);
  await app.open('/#lesson=raft/3');
  await expect(lesson.panel).toBeVisible({ timeout: 20_000 });
  await expect(lesson.stepTitle).toHaveText('Step 3 of 4: The leader fails', { timeout: 20_000 });
  expect(await lesson.markStates()).toEqual(['todo', 'todo', 'current', 'todo']);
  app.expectNoErrors();
});
