#!/usr/bin/env node
import { parseCli, UsageError } from './cli-args';
import { runChat } from './chat';

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCli(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`switchboard: ${err.message}\n\n${err.usage}\n`);
    return 2;
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(`${command.text}\n`);
      return 0;
    case 'chat':
      return runChat(command.options, {
        input: process.stdin,
        output: process.stdout,
        errorOutput: process.stderr,
        interactive: process.stdin.isTTY && process.stdout.isTTY,
      });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      `switchboard: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
