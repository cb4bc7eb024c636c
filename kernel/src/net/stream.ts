/**
 * Connections as applications see them: an async byte stream, the one
 * place in the network stack where promises appear (chapter 6 builds TCP
 * behind it; chapter 7's HTTP server is written against it alone, so it
 * can be tested over in-memory streams).
 */

/** Why a connection failed; `code` is what an application branches on. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(
    readonly code: 'reset' | 'refused' | 'timeout' | 'aborted' | 'closed',
    message: string,
  ) {
    super(message);
  }
}

export interface ByteStream extends AsyncIterable<Uint8Array> {
  readonly localAddress: number;
  readonly localPort: number;
  readonly remoteAddress: number;
  readonly remotePort: number;

  /**
   * The next bytes received, as soon as there are any (at most the receive
   * buffer's worth); null once the peer has closed its side and everything
   * before the close has been read. Rejects with ConnectionError on a reset
   * or timeout. The array is the caller's to keep.
   */
  read(): Promise<Uint8Array | null>;

  /**
   * Queues `bytes` for sending and resolves once they are all in the send
   * buffer (not acknowledged): a full buffer makes the writer wait, which is
   * back-pressure. Rejects with ConnectionError if the connection fails or
   * was closed for writing.
   */
  write(bytes: Uint8Array): Promise<void>;

  /** Half-close: a FIN after everything written. Reading goes on until the peer closes. */
  close(): Promise<void>;

  /** Ends the connection at once with a RST; pending reads and writes reject. */
  abort(): void;
}

export interface StreamListener extends AsyncIterable<ByteStream> {
  readonly port: number;
  /** The next established connection. Rejects with ConnectionError('closed') after close(). */
  accept(): Promise<ByteStream>;
  /** Stops listening; connections already accepted go on. */
  close(): void;
}

/** What a server needs from TCP (and what an in-memory test double provides). */
export interface StreamService {
  listen(port: number, options?: { backlog?: number }): StreamListener;
  connect(address: number, port: number): Promise<ByteStream>;
}
