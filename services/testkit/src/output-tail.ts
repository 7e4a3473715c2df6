/** Keeps the last `capacity` lines written to a child's stdout/stderr, for error messages. */
export class OutputTail {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 200) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  last(count: number): string[] {
    return this.lines.slice(-count);
  }
}

/** Splits a text stream into lines; call the returned function once more at end of stream to flush. */
export function lineSplitter(onLine: (line: string) => void): { write(chunk: string): void; end(): void } {
  let pending = '';
  return {
    write(chunk) {
      const parts = (pending + chunk).split(/\r?\n/);
      pending = parts.pop() ?? '';
      for (const line of parts) onLine(line);
    },
    end() {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}
