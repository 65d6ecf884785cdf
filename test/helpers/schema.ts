import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { repoRoot } from './paths.js';

type Validator = ((d: unknown) => boolean) & { errors?: unknown };
type AjvCtor = new (opts: object) => { compile: (s: object) => Validator };

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'spec/findings.schema.json'), 'utf8'));
const mod = Ajv2020 as unknown as { default?: AjvCtor };
const Ajv = (mod.default ?? Ajv2020) as unknown as AjvCtor;

/** The project's copy of the shared findings schema (a user's clone has no ../shared). */
export const validateResult: Validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
