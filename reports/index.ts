/**
 * Report formats. Each is loaded only when asked for, so `--format json`
 * never pays for the HTML renderer's imports.
 */
import type { RunResult } from '../src/model/index.js';

export type ReportFormat = 'text' | 'json' | 'csv' | 'markdown' | 'html' | 'postmortem';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'csv', 'markdown', 'html', 'postmortem'];

export interface ReportOptions {
  /** colour and width for a terminal (text only) */
  color?: boolean;
  /** evidence lines shown per finding in the text report (default 6); 'all' for every one */
  evidence?: number | 'all';
  /** notes people wrote for the postmortem (serve): shown by the HTML and Markdown reports */
  notes?: ReportNotes;
}

/** A note as written by a person: plain text, escaped like trace text wherever it is shown. */
export interface ReportNote {
  text: string;
  /** ISO time it was written */
  created: string;
}

export interface ReportNotes {
  /** on the whole analysis */
  analysis: ReportNote[];
  /** by finding id */
  findings: Record<string, ReportNote[]>;
}

export type Renderer = (result: RunResult, opts: ReportOptions) => string | Promise<string>;

export async function loadRenderer(format: ReportFormat): Promise<Renderer> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).renderJson;
    case 'text':
      return (await import('./text.js')).renderText;
    case 'csv':
      return (await import('./csv.js')).renderCsv;
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown;
    case 'html':
      return (await import('./html/index.js')).renderHtml;
    case 'postmortem':
      return (await import('./postmortem.js')).renderPostmortem;
  }
}

/**
 * A report in pieces, in order, for a writer that sends each on before the next is made (the CLI):
 * joined, they are the renderer's string, byte for byte. A big report is never whole in memory.
 */
export type ChunkedRenderer = (result: RunResult, opts: ReportOptions) => Iterable<string> | AsyncIterable<string>;

/** The format's renderer in pieces: JSON, text, CSV, Markdown and HTML are made a batch at a time, the others whole, as one piece. */
export async function loadChunkedRenderer(format: ReportFormat): Promise<ChunkedRenderer> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).renderJsonChunks;
    case 'text':
      return (await import('./text.js')).renderTextChunks;
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdownChunks;
    case 'csv':
      return (await import('./csv.js')).renderCsvChunks;
    case 'html':
      return (await import('./html/index.js')).renderHtmlChunks;
    default: {
      const render = await loadRenderer(format);
      return async function* whole(result, opts) {
        yield await render(result, opts);
      };
    }
  }
}
