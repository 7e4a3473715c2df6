#!/usr/bin/env node
// `npm run bench -- <scenario> [flags]`: human-readable progress and results, then one JSON line.
import { parseCommand } from './args';
import { E2eRun, InterruptedError, type Output } from './e2e/orchestrator';
import { UsageError } from './errors';
import { exitCodeOf, jsonLine } from './report/result';

const io: Output = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`bench: ${err.message}`);
    return err.exitCode;
  }
  if (command.kind === 'help') {
    io.out(command.text);
    return 0;
  }

  const run = new E2eRun(command.options, io);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      // A second Ctrl-C: the exit hooks SIGKILL whatever is still running.
      io.err(`\n${signal} again: exiting now`);
      process.exit(130);
    }
    signalled = true;
    io.err(`\n${signal}: stopping…`);
    run.abort(new InterruptedError(`interrupted by ${signal}`));
  };
  // `on`, not `once`: the testkit's own signal hook stands aside only while another listener is there.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome;
  try {
    outcome = await run.execute();
  } catch (err) {
    io.err(`bench: ${err instanceof Error ? err.message : String(err)}`);
    if (!(err instanceof InterruptedError) && err instanceof Error && err.stack !== undefined) {
      io.err(err.stack.split('\n').slice(1, 6).join('\n'));
    }
  } finally {
    io.out('stopping clients, services and servers…');
    await run.cleanup();
  }
  if (outcome === undefined) return run.interrupted ? 130 : 1;
  io.out('');
  for (const line of outcome.summary) io.out(line);
  io.out(jsonLine(outcome.result));
  return exitCodeOf(outcome.result);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
