import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

// Server processes must not outlive the process that started them, even when it forgets to stop them.
const liveChildren = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  updateHooks();
}

export function untrackChild(child: ChildProcess): void {
  liveChildren.delete(child);
  updateHooks();
}

/** A temp data dir to delete if the process exits before the server is stopped. */
export function trackDir(dir: string): void {
  ownedDirs.add(dir);
  updateHooks();
}

export function untrackDir(dir: string): void {
  ownedDirs.delete(dir);
  updateHooks();
}

function cleanUpSync(): void {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone; nothing left to clean.
    }
  }
  liveChildren.clear();
  for (const dir of ownedDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort at exit: a killed server may still be writing for a few microseconds.
    }
  }
  ownedDirs.clear();
}

function onExit(): void {
  cleanUpSync();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (e.g. a dev stack calling ServerSet.stop()); the exit hook backs them up.
  if (process.listenerCount(signal) > 1) return;
  cleanUpSync();
  setHooks(false);
  // Re-raise so the default action (terminate) happens as if we had never listened.
  process.kill(process.pid, signal);
}

function updateHooks(): void {
  setHooks(liveChildren.size > 0 || ownedDirs.size > 0);
}

function setHooks(wanted: boolean): void {
  if (wanted === installed) return;
  installed = wanted;
  if (wanted) {
    process.on('exit', onExit);
    for (const s of SIGNALS) process.on(s, onSignal);
  } else {
    process.removeListener('exit', onExit);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}
