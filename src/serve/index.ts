export { buildServer, specForAnalysis, DEFAULT_MAX_PENDING, DEFAULT_MAX_ATTEMPTS, type ServeOptions, type Server } from './app.js';
export { Store, type AnalysisMeta, type AnalysisStatus, type Note, type NotesFile } from './store.js';
export { Jobs, type Progress } from './jobs.js';
export { isId, newId } from './ids.js';
export { displayName } from './names.js';
