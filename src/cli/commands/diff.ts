import { rename, writeFile } from 'node:fs/promises';
import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
// The differ, the pipeline and the renderers are imported in run(): start-up loads none of them.
import { EXIT } from '../exit-codes.js';

export default class Diff extends Command {
  static override summary = 'Compare two incidents (or a healthy run and a broken one): findings, call sequences, request phases.';
  static override description = `A and B are each what analyze takes: a file or a folder. The output lists the findings only in A, only in B and in both (matched by detector and subject, not by id); for each pair of comparable processes (same program, same order) the first place where their call sequences part ways, with a few calls around it; and for each request seen on both sides, its phases side by side.

Exit codes: 0 compared; 1 faultline itself failed; 2 usage error; 3 an input of either side could not be read (the rest was compared).`;
  static override examples = [
    '<%= config.bin %> diff healthy.strace broken.strace',
    '<%= config.bin %> diff incidents/2026-11-20/ incidents/2026-11-23/ --format html -o diff.html',
  ];
  static override args = {
    a: Args.string({ description: 'the first incident (file or folder)', required: true }),
    b: Args.string({ description: 'the second incident (file or folder)', required: true }),
  };
  static override flags = {
    format: Flags.option({ char: 'f', options: ['text', 'json', 'html'] as const, default: 'text' as const, summary: 'output format' })(),
    output: Flags.string({ char: 'o', summary: 'write to this file instead of standard output' }),
    tz: Flags.string({ summary: "time zone of time-of-day inputs (default: this machine's)" }),
    redact: Flags.boolean({ default: true, allowNo: true, summary: 'redact secrets; --no-redact shows them' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diff);
    const [{ renderDiffHtml, renderDiffText }, { diffRuns }, { FaultlineError }, { buildSpec }] = await Promise.all([
      import('../../../reports/diff.js'),
      import('../../diff/index.js'),
      import('../../model/index.js'),
      import('../../pipeline/index.js'),
    ]);
    let out: string;
    let status: number = EXIT.OK;
    try {
      const common = { tz: flags.tz ? [flags.tz] : undefined, redact: flags.redact };
      const [sa, sb] = [await buildSpec([args.a], common), await buildSpec([args.b], common)];
      const d = await diffRuns({ name: args.a, spec: sa }, { name: args.b, spec: sb });
      if ([...d.results.a.inputs, ...d.results.b.inputs].some((i) => i.status === 'error')) status = EXIT.INPUT_PROBLEMS;
      for (const i of [...d.results.a.inputs, ...d.results.b.inputs]) if (i.status === 'error') process.stderr.write(`faultline: ${i.path}: ${i.error}\n`);
      if (flags.format === 'json') {
        const { results: _omit, ...rest } = d;
        out = JSON.stringify(rest, null, 2) + '\n';
      } else out = flags.format === 'html' ? renderDiffHtml(d) : renderDiffText(d);
    } catch (err) {
      if (err instanceof FaultlineError && err.code === 'E_USAGE') {
        process.stderr.write(`faultline: ${err.message}\n`);
        return this.exit(EXIT.USAGE);
      }
      process.stderr.write(`faultline: internal error: ${(err as Error)?.message ?? String(err)}\n`);
      return this.exit(EXIT.INTERNAL);
    }
    if (flags.output) {
      const tmp = `${flags.output}.tmp-${process.pid}`;
      try {
        await writeFile(tmp, out);
        await rename(tmp, flags.output);
      } catch (err) {
        process.stderr.write(`faultline: cannot write ${flags.output}: ${(err as Error).message}\n`);
        return this.exit(EXIT.INTERNAL);
      }
    } else await new Promise<void>((resolve) => process.stdout.write(out, () => resolve()));
    if (status) this.exit(status);
  }
}
