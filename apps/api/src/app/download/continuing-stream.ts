import { Readable } from 'node:stream';

export interface Source<O extends string> {
  origin: O;
  stream: Readable;
}

/**
 * Bytes `start`…`end` (inclusive) read from one source after another: each chunk
 * of the current source is passed on as it is (only the last one trimmed to the
 * range), and a source that fails or ends early is replaced by `reopen(position)`,
 * which continues from the exact next byte. One stream between the source and
 * the consumer: back-pressure pauses the source, reading resumes it.
 */
export class ContinuingStream<O extends string> extends Readable {
  private position: number;
  private current: Source<O> | null = null;
  private readonly failed: O[] = [];

  constructor(
    first: Source<O>,
    start: number,
    private readonly end: number,
    /** The next source from `position`, excluding the origins that failed; null when none can. */
    private readonly reopen: (position: number, failed: O[]) => Promise<Source<O> | null>,
    /** Told why a source was given up, before the next is asked for. */
    private readonly onSourceFailed: (origin: O, position: number, err: unknown) => void,
    /** The error the stream fails with when no source can continue. */
    private readonly noSource: (position: number) => Error,
  ) {
    super();
    this.position = start;
    if (start > end) {
      first.stream.destroy();
      this.push(null);
    } else {
      this.attach(first);
    }
  }

  override _read(): void {
    this.current?.stream.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.release();
    callback(err);
  }

  private readonly onData = (chunk: Buffer): void => {
    const room = this.end - this.position + 1;
    if (chunk.length < room) {
      this.position += chunk.length;
      if (!this.push(chunk)) this.current?.stream.pause();
      return;
    }
    // The range is complete.
    const source = this.detach() as Source<O>;
    this.position += room;
    this.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    this.push(null);
    if (chunk.length > room) {
      source.stream.destroy();
    } else {
      // Most likely the source's last bytes: let it end by itself (closing an HTTP
      // response before its end would close its kept-alive connection), but close
      // it as soon as it sends anything more.
      source.stream.on('data', () => source.stream.destroy());
      source.stream.resume();
    }
  };

  private readonly onEnd = (): void => {
    this.failover(new Error(`source ended early at byte ${this.position}`));
  };

  private readonly onError = (err: unknown): void => {
    this.failover(err);
  };

  private attach(source: Source<O>): void {
    this.current = source;
    source.stream.on('error', this.onError);
    source.stream.on('end', this.onEnd);
    source.stream.on('data', this.onData);
  }

  /** Stops listening to the current source (a late error of it is ignored). */
  private detach(): Source<O> | null {
    const source = this.current;
    if (!source) return null;
    this.current = null;
    source.stream.off('data', this.onData);
    source.stream.off('end', this.onEnd);
    source.stream.off('error', this.onError);
    source.stream.on('error', () => undefined);
    return source;
  }

  /** Stops listening to the current source and closes it. */
  private release(): Source<O> | null {
    const source = this.detach();
    source?.stream.destroy();
    return source;
  }

  private failover(err: unknown): void {
    const source = this.release();
    if (!source) return;
    this.failed.push(source.origin);
    this.onSourceFailed(source.origin, this.position, err);
    const position = this.position;
    this.reopen(position, this.failed).then(
      (next) => {
        if (this.destroyed) {
          next?.stream.destroy();
        } else if (!next) {
          this.destroy(this.noSource(position));
        } else {
          this.attach(next);
        }
      },
      (e: unknown) => this.destroy(e instanceof Error ? e : new Error(String(e))),
    );
  }
}
