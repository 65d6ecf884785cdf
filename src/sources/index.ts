/**
 * Sources: everything an analysis can read (a file, a file found in a folder,
 * standard input, a member of a .tar/.tar.gz/.zip, an uploaded body in a
 * temporary file of ours or in memory), opened as one stream of chunks with
 * gzip read through and a sha256 computed on the way. Imports only the model.
 */
export { openArchiveMember, openSource, openStream, source, SNIFF_BYTES, type OpenedSource, type OpenOptions, type Source } from './open.js';
export { READ_THREAD_MIN_BYTES, ReaderThread, type ReadThreadOptions, type RecycleOptions } from './read-thread.js';
export {
  archiveFormat,
  formatOfHead,
  listArchive,
  readArchive,
  openMember,
  DEFAULT_ARCHIVE_LIMITS,
  type ArchiveEntry,
  type ArchiveFormat,
  type ArchiveLimits,
  type ArchiveListing,
  type MemberType,
} from './archive.js';
