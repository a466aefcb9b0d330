// Progress while Helm waits: on a terminal one live line, rewritten in place;
// elsewhere (CI logs) one line per change, at most one every two seconds, the
// newest state printed when the interval is up.
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export const LINE_INTERVAL_MS = 2000;

export class ProgressPrinter {
  private last = ''; // the line shown last
  private pending?: string;
  private lastAt = -Infinity;
  private timer?: NodeJS.Timeout;
  private live = false; // a TTY line is on screen

  constructor(private readonly out: ProgressStream, private readonly prefix: string, private readonly clock: () => number = Date.now) {}

  update(line: string): void {
    const text = `${this.prefix}${line}`;
    if (this.out.isTTY) {
      if (text === this.last) return;
      this.last = text;
      const width = Math.max(20, (this.out.columns ?? 80) - 1);
      this.out.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      this.live = true;
      return;
    }
    this.pending = text === this.last ? undefined : text;
    this.flushSoon();
  }

  private flushSoon(): void {
    if (this.pending === undefined || this.timer) return;
    const wait = this.lastAt + LINE_INTERVAL_MS - this.clock();
    if (wait <= 0) return this.flush();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  private flush(): void {
    if (this.pending === undefined) return;
    this.out.write(`${this.pending}\n`);
    this.last = this.pending;
    this.pending = undefined;
    this.lastAt = this.clock();
  }

  /** Ends the output: the live line is cleared; a change not yet due is dropped. */
  done(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    if (this.live) this.out.write('\r\x1b[K');
    this.live = false;
  }
}
