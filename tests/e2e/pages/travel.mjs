// Page object of the time travel slider under the stage (data-testid
// scrubber, branches, branch-N, step-back, step-forward, to-present).
import { expect } from '@playwright/test';

export class TimeTravel {
  constructor(page) {
    this.page = page;
    this.slider = page.getByTestId('scrubber');
    this.branches = page.getByTestId('branches');
    this.stepBack = page.getByTestId('step-back');
    this.stepForward = page.getByTestId('step-forward');
    this.toPresent = page.getByTestId('to-present');
  }

  /** The moment shown (ms), from aria-valuenow. */
  async now() {
    return Number(await this.slider.getAttribute('aria-valuenow'));
  }

  /** The run's start and present (ms). */
  async span() {
    return [Number(await this.slider.getAttribute('aria-valuemin')), Number(await this.slider.getAttribute('aria-valuemax'))];
  }

  /** Times (ms) of the marks of one kind (stop, start, leader, election, command...). */
  async marks(kind) {
    return this.slider.locator(`.mark[data-kind="${kind}"]`).evaluateAll((els) => els.map((e) => Number(e.dataset.at)));
  }

  /** Clicks the slider where moment `ms` is. */
  async clickAt(ms) {
    const [min, max] = await this.span();
    const box = await this.slider.boundingBox();
    const x = box.x + (box.width * (ms - min)) / Math.max(1, max - min);
    await this.page.mouse.click(x, box.y + box.height / 2);
  }

  /** Presses a key on the focused slider. */
  async press(key) {
    await this.slider.focus();
    await this.slider.press(key);
  }

  /** Waits until the shown moment has moved past `ms`. */
  async waitPast(ms) {
    await expect.poll(() => this.now(), { timeout: 15_000 }).toBeGreaterThan(ms);
  }

  /** The branch button `n` (1-based). */
  branch(n) {
    return this.page.getByTestId(`branch-${n}`);
  }
}
