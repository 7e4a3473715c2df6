/** A server process could not be started or did not become ready before its deadline. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
  /** Server kind, e.g. `nats-server`. */
  readonly server: string;
  /** The command line that was run (or would have been run). */
  readonly commandLine: string;
  /** The last lines the process wrote to stdout/stderr. */
  readonly outputTail: readonly string[];
  /** True when the output says a port was already taken, i.e. a free-port race worth one retry. */
  readonly portInUse: boolean;

  constructor(
    details: {
      server: string;
      commandLine: string;
      reason: string;
      outputTail?: readonly string[];
      /** Extra text such as the tail of a log file the server writes instead of stderr. */
      diagnostics?: string;
    },
    options?: { cause?: unknown },
  ) {
    const outputTail = details.outputTail ?? [];
    const sections = [
      `${details.server} did not start: ${details.reason}`,
      `  command: ${details.commandLine}`,
    ];
    if (outputTail.length > 0) {
      sections.push(`  last ${outputTail.length} lines of output:`, ...outputTail.map((l) => `    ${l}`));
    }
    if (details.diagnostics !== undefined && details.diagnostics.trim() !== '') {
      sections.push(details.diagnostics.trimEnd());
    }
    const message = sections.join('\n');
    super(message, options);
    this.server = details.server;
    this.commandLine = details.commandLine;
    this.outputTail = outputTail;
    this.portInUse = /address already in use|EADDRINUSE/i.test(message);
  }
}

/** Several servers of a ServerSet failed to start; `errors` holds each failure. */
export class ServerSetStartError extends Error {
  override readonly name = 'ServerSetStartError';
  readonly errors: readonly unknown[];

  constructor(errors: readonly unknown[]) {
    super(
      `${errors.length} servers did not start:\n\n` +
        errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'),
      { cause: errors[0] },
    );
    this.errors = errors;
  }
}

/** A server process did not exit after being signalled. */
export class ServerStopError extends Error {
  override readonly name = 'ServerStopError';
  readonly server: string;

  constructor(server: string, message: string, options?: { cause?: unknown }) {
    super(`${server}: ${message}`, options);
    this.server = server;
  }
}

/** `tsc -b` of the workspace failed in jest global setup. */
export class WorkspaceBuildError extends Error {
  override readonly name = 'WorkspaceBuildError';
  readonly output: string;

  constructor(message: string, output: string, options?: { cause?: unknown }) {
    super(output.trim() === '' ? message : `${message}\n${output.trimEnd()}`, options);
    this.output = output;
  }
}

/** Chromium is missing or playwright-core could not launch it. */
export class BrowserLaunchError extends Error {
  override readonly name = 'BrowserLaunchError';
  readonly executablePath: string;

  constructor(executablePath: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.executablePath = executablePath;
  }
}
