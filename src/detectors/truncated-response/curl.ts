import type { DetectorPart } from '../types.js';

// Placeholder until the curl work lands: this source contributes no finding yet.
export const fromCurl: DetectorPart = () => [];
