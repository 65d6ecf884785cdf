import type { DetectorPart } from '../types.js';

// Placeholder until the capture work lands: this source contributes no finding yet.
export const fromWire: DetectorPart = () => [];
