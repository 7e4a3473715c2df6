// Entry point of a client worker process, forked by the e2e orchestrator. It speaks only over IPC.
import { ClientWorker } from './client-worker';
import { isOrchestratorMessage, type WorkerMessage } from './protocol';

function post(message: WorkerMessage): void {
  process.send?.(message);
}

/** Reports the failure to the orchestrator, then exits once the message is out. */
function fail(err: unknown): void {
  const message: WorkerMessage = {
    type: 'failed',
    message: err instanceof Error ? (err.stack ?? err.message) : String(err),
  };
  process.send?.(message, () => {
    process.exit(1);
  });
}

if (process.send === undefined) {
  process.stderr.write(
    'this is a worker of `npm run bench -- e2e`; it must be started by the orchestrator\n',
  );
  process.exit(2);
}

const worker = new ClientWorker(post);
process.on('message', (message: unknown) => {
  if (!isOrchestratorMessage(message)) return;
  worker.handle(message).then(
    () => {
      if (message.type === 'shutdown') process.exit(0);
    },
    (err: unknown) => {
      fail(err);
    },
  );
});
// Ctrl-C reaches the whole process group; the orchestrator decides when workers stop.
process.on('SIGINT', () => undefined);
process.on('disconnect', () => {
  process.exit(0);
});
process.on('uncaughtException', fail);
