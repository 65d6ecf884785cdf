/**
 * Chunk streams for readers that must not keep a chunk's memory (OpenedSource.recycle): the
 * bytes as chunks of `size` copied into two buffers used in turn, what a recycling source does,
 * so whatever a reader keeps beyond the next chunk is written over.
 */
export async function* reusedChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  const ring = [Buffer.alloc(size), Buffer.alloc(size)];
  for (let i = 0, k = 0; i < bytes.length; i += size, k++) {
    const b = ring[k & 1];
    const n = bytes.copy(b, 0, i, Math.min(i + size, bytes.length));
    yield n === size ? b : b.subarray(0, n);
  }
}

/** The bytes as one chunk. */
export async function* wholeChunk(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}
