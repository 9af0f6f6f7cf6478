/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Driving a notebook page of JupyterLab or Notebook 7 as a person does — open it, Run → Run All Cells, wait until
 * the kernel is done — and reading back what the page shows: each code cell's prompt, the highlighted tokens of its
 * editor (text and `tok-*` classes) and its outputs (MIME type, table header and rows, ANSI-coloured spans, SVG and
 * Vega elements). The reading is generic over MIME types, so an APPLY display (SVG, PNG, HTML, Vega-Lite, Markdown)
 * is read like any other output.
 */
import type { Page } from 'playwright-core';

export interface PageOutput {
  /** `data-mime-type` of the rendered output (`text/html`, `application/vnd.jupyter.stderr`, `image/svg+xml`, …). */
  readonly mime: string;
  /** The bold title line Peregrine puts above a table (`DISP procs`, `Execution summary`). */
  readonly title: string | null;
  readonly summary: boolean;
  readonly header: string[];
  readonly rows: string[][];
  readonly text: string;
  /** Text and classes of the ANSI-coloured spans (errors). */
  readonly ansi: [string, string][];
  /** Elements inside inline SVG (SVG displays, Vega's SVG renderer). */
  readonly svgElements: number;
  /** Whether a Vega embed drew something (a canvas or an SVG). */
  readonly vegaDrawn: boolean;
  readonly images: number;
}

export interface PageCell {
  readonly prompt: string;
  readonly source: string;
  /** Each highlighted token of the editor: [text, `tok-*` classes]. */
  readonly tokens: [string, string][];
  readonly outputs: PageOutput[];
}

/** Resolves when the page's kernel connection has received a kernel_info_reply (the kernel is connected). */
function kernelConnected(page: Page, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no kernel_info_reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    page.on('websocket', (ws) => {
      if (!/\/api\/kernels\/[^/]+\/channels/.test(ws.url())) return;
      ws.on('framereceived', (f) => {
        if (String(f.payload).includes('kernel_info_reply')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  });
}

/**
 * Opens a notebook URL and waits until its kernel is connected and idle and its editors are highlighted. (The
 * notebook's saved language_info highlights cells before the kernel connects, and JupyterLab drops a Run All
 * clicked before then: the kernel connection is watched on the WebSocket.)
 */
export async function openNotebook(page: Page, url: string): Promise<void> {
  const connected = kernelConnected(page, 90_000);
  await page.goto(url);
  await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 90_000 });
  await connected;
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 90_000 });
  await page.waitForFunction(
    () => document.querySelector('.jp-CodeCell .cm-content span[class*="tok-"]') !== null,
    null,
    { timeout: 30_000 },
  );
}

/** Run → Run All Cells from the menu bar, then waits until no cell is running or queued. */
export async function runAllCells(page: Page): Promise<void> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
  await page.waitForFunction(
    () => {
      const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(
        (p) => p.textContent ?? '',
      );
      const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
      return (
        prompts.some((p) => /\[\d+\]/.test(p)) &&
        !prompts.some((p) => p.includes('*')) &&
        indicator?.getAttribute('data-status') === 'idle'
      );
    },
    null,
    { timeout: 180_000, polling: 250 },
  );
}

/** Makes the page as tall as the notebook, so every cell is rendered and one screenshot shows them all. */
export async function showWholeNotebook(page: Page): Promise<void> {
  const height = await page.evaluate(() => {
    const scroller =
      document.querySelector('.jp-WindowedPanel-outer') ?? document.querySelector('.jp-Notebook');
    const chrome = window.innerHeight - (scroller?.clientHeight ?? 0);
    return (scroller?.scrollHeight ?? 0) + chrome + 40;
  });
  await page.setViewportSize({ width: 1400, height: Math.min(Math.max(height, 900), 12_000) });
  await page.waitForTimeout(500);
}

/** Reads every code cell of the notebook as the page shows it. */
export function readCells(page: Page): Promise<PageCell[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell')].map((cell) => ({
      prompt: cell.querySelector('.jp-InputPrompt')?.textContent?.trim() ?? '',
      source: [...cell.querySelectorAll('.cm-content .cm-line')].map((l) => l.textContent ?? '').join('\n'),
      tokens: [...cell.querySelectorAll('.cm-content span[class*="tok-"]')].map(
        (s) =>
          [
            s.textContent ?? '',
            [...s.classList]
              .filter((c) => c.startsWith('tok-'))
              .sort()
              .join(' '),
          ] as [string, string],
      ),
      outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map((o) => ({
        mime: o.getAttribute('data-mime-type') ?? '',
        title: o.querySelector('p > b')?.textContent ?? null,
        summary: o.querySelector('table.peregrine-summary') !== null,
        header: [...o.querySelectorAll('thead th')].map((th) => th.textContent ?? ''),
        rows: [...o.querySelectorAll('tbody tr')].map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
        ),
        text: o.textContent ?? '',
        ansi: [...o.querySelectorAll('span[class*="ansi-"]')].map(
          (s) => [s.textContent ?? '', s.className] as [string, string],
        ),
        svgElements: o.querySelectorAll('svg *').length,
        vegaDrawn: o.querySelector('.vega-embed canvas, .vega-embed svg') !== null,
        images: o.querySelectorAll('img').length,
      })),
    })),
  );
}

/**
 * Types `text` into a new cell below the last one and presses Tab: returns the completions the page lists (they
 * come from the kernel's complete_reply), then Shift-Tab after `inspect` typed in their place: returns the tooltip
 * (the kernel's inspect_reply).
 */
export async function completeAndInspect(
  page: Page,
  text: string,
  inspect: string,
): Promise<{ completions: string[]; tooltip: string }> {
  await page.locator('.jp-Notebook .jp-CodeCell .cm-content').last().click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
  await page.waitForSelector('.jp-Completer .jp-Completer-item', { timeout: 30_000 });
  const completions = await page.$$eval('.jp-Completer .jp-Completer-item .jp-Completer-match', (els) =>
    els.map((e) => e.textContent ?? ''),
  );
  await page.keyboard.press('Escape');
  await page.keyboard.type(inspect);
  await page.keyboard.press('Shift+Tab');
  const tooltip = await page.waitForSelector('.jp-Tooltip', { timeout: 30_000 });
  return { completions, tooltip: (await tooltip.textContent()) ?? '' };
}
