/** Reports of a stored analysis, with its notes, through the project's renderers. */
import { loadRenderer, type ReportNotes } from '../../reports/index.js';
import type { RunResult } from '../model/index.js';
import type { NotesFile } from './store.js';

export function reportNotes(notes: NotesFile): ReportNotes {
  const strip = (n: { text: string; created: string }) => ({ text: n.text, created: n.created });
  return {
    analysis: notes.analysis.map(strip),
    findings: Object.fromEntries(Object.entries(notes.findings).map(([k, v]) => [k, v.map(strip)])),
  };
}

export async function renderReport(format: 'html' | 'markdown' | 'postmortem', result: RunResult, notes: NotesFile): Promise<string> {
  const render = await loadRenderer(format);
  return render(result, { notes: reportNotes(notes) });
}

/** The result as the shared schema has it (the JSON report: no lanes). */
export async function schemaResult(result: RunResult): Promise<unknown> {
  const render = await loadRenderer('json');
  return JSON.parse(await render(result, {}));
}

/**
 * The report's own Content-Security-Policy (from its meta tag), sent as a
 * header too, plus what a meta tag cannot say: who may frame it (the page).
 */
export function reportCsp(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  const own = m ? m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&') : "default-src 'none'";
  return `${own}; frame-ancestors 'self'`;
}
