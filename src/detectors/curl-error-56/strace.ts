import type { DetectorPart } from '../types.js';

// Placeholder until the strace work lands: this source contributes no finding yet.
export const fromStrace: DetectorPart = () => [];
