import { Command } from '@oclif/core/command';

export default class Detectors extends Command {
  static override summary = 'List every detector with one line on what it finds.';
  static override examples = ['<%= config.bin %> detectors'];

  async run(): Promise<void> {
    await this.parse(Detectors);
    const { DETECTORS } = await import('../../pipeline/index.js'); // here, not at start-up
    const width = Math.max(...DETECTORS.map((d) => d.id.length));
    for (const d of DETECTORS) this.log(`${d.id.padEnd(width)}  ${d.description}`);
  }
}
