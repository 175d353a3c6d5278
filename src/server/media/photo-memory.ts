import v8 from 'node:v8';
import vm from 'node:vm';
import { ApiError } from '../api-error';

/**
 * What a check-in's photo costs in memory, bounded. Each photo is about 8 MB of Buffers
 * while it is read (the chunks as they arrive, then the joined file), outside V8's heap.
 *
 * How many at once: three, from the first byte of the image part read to the check-in's
 * end: two decoding (see photo-processing.ts) and one read ahead, so the next decode never
 * waits for an upload. With eight desks checking in at once, all eight uploads read at
 * once held 60 MB. Further check-ins wait with their image unread (the socket holds it,
 * not this process) and are read in turn; past a bounded queue, or after waiting too
 * long, they are turned away with 5501 and Retry-After. A turn has a deadline for its
 * photo to arrive, so three stalled uploads cannot hold up every desk.
 *
 * For how long: V8 frees those Buffers only when it collects garbage, and lets 64 MB of
 * them pile up before it does; on a kiosk with a 200 MiB budget that is a third of it,
 * held by photos already on disk (70 MiB of dead Buffers after a run of check-ins). So
 * the joined photo is freed the moment its check-in ends (discardPhoto), and a collection
 * is asked for when more than 12 MiB of such memory is still held (the chunks it arrived
 * in), at most once a second under a steady stream (with 24 MiB, fifty desks at once
 * peaked at 205–207 MiB against 191–194, for no measurable difference in requests
 * answered). A collection of the whole heap is a pause of 30–80 ms of the server: asked
 * for after every check-in, as it was before the photo was freed, 30 check-ins a few
 * seconds apart paused it 1.7–1.8 s in all; now 0–0.1 s, at the same peak RSS.
 */
const PHOTOS_AT_ONCE = 3;
const PHOTOS_WAITING_MAX = 64;
const COLLECT_ABOVE_BYTES = 12 * 1024 * 1024;

interface Waiter {
  grant: () => void;
}

let holding = 0;
const waiting: Waiter[] = [];

export interface PhotoSlot {
  /** Waits for a turn to read the image; 5501 when too many already wait or the wait is too long. */
  acquire: () => Promise<void>;
  /** Ends the turn, or gives up the place in the queue; safe to call more than once, or without acquire. */
  release: () => void;
  /**
   * The client went away: gives up a place in the queue, never a turn being used (its photo
   * is still in memory until the check-in ends, and the check-in's end releases it).
   */
  abandon: () => void;
}

function busy(): ApiError {
  return new ApiError('5501', 'The kiosk is busy with other photos; retry in a moment.', {
    headers: { 'retry-after': '1' },
  });
}

/** `waitMs`: how long a check-in may wait for its turn before it is turned away. */
export function photoSlot(waitMs: number): PhotoSlot {
  let state: 'idle' | 'waiting' | 'holding' | 'released' = 'idle';
  let waiter: Waiter | undefined;
  let giveUp: ((error: Error) => void) | undefined;

  const leaveQueue = (): void => {
    const at = waiter ? waiting.indexOf(waiter) : -1;
    if (at !== -1) waiting.splice(at, 1);
  };

  const abandoned = () => new ApiError('2400', 'The request was abandoned before its photo was read.');
  const slot: PhotoSlot = {
    acquire: () => {
      if (state === 'released') return Promise.reject(abandoned());
      if (state !== 'idle') return Promise.reject(new Error('a photo slot is acquired once'));
      if (holding < PHOTOS_AT_ONCE) {
        holding++;
        state = 'holding';
        return Promise.resolve();
      }
      if (waiting.length >= PHOTOS_WAITING_MAX) return Promise.reject(busy());
      state = 'waiting';
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          leaveQueue();
          state = 'released';
          reject(busy());
        }, waitMs);
        waiter = {
          grant: () => {
            clearTimeout(timer);
            state = 'holding';
            resolve();
          },
        };
        giveUp = (error) => {
          clearTimeout(timer);
          reject(error);
        };
        waiting.push(waiter);
      });
    },
    release: () => {
      const was = state;
      state = 'released';
      if (was === 'waiting') {
        leaveQueue();
        giveUp?.(abandoned());
      } else if (was === 'holding') {
        const next = waiting.shift();
        if (next) next.grant();
        else holding--;
        photoDone();
      }
    },
    abandon: () => {
      if (state === 'waiting' || state === 'idle') slot.release();
    },
  };
  return slot;
}

/** Photos being read or processed, and check-ins waiting for a turn. */
export function photoQueue(): { inMemory: number; waiting: number } {
  return { inMemory: holding, waiting: waiting.length };
}

const collect = garbageCollector();
/** Under a steady stream, at most one collection a second: the photos in use count too. */
const COLLECT_INTERVAL_MS = 1000;
let lastCollection = 0;

function photoDone(): void {
  const betweenVisitors = holding === 0;
  if (!betweenVisitors && Date.now() - lastCollection < COLLECT_INTERVAL_MS) return;
  if (process.memoryUsage().arrayBuffers < COLLECT_ABOVE_BYTES) return;
  lastCollection = Date.now();
  // After the answer has gone out, not in its way.
  setImmediate(() => collect({ type: 'major', execution: 'async' }));
}

/**
 * Gives the memory of an uploaded photo back at once, when the check-in that read it is
 * over: without it the photo waits for a collection of the whole heap (a pause of 30 to 80
 * ms of the server, asked for after every check-in before this). Only a Buffer that has its
 * memory to itself, as the joined upload does (http/form.ts); nothing may read it after.
 */
export function discardPhoto(bytes: Buffer): void {
  const memory = bytes.buffer;
  if (!(memory instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== memory.byteLength) return;
  // ArrayBuffer.prototype.transfer (ES2024): the old buffer is detached and its memory freed.
  (memory as ArrayBuffer & { transfer: (length: number) => ArrayBuffer }).transfer(0);
}

/** V8's own collector, also when the process was not started with --expose-gc (left as it was found). */
function garbageCollector(): (options: { type: 'major'; execution: 'async' }) => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as ReturnType<typeof garbageCollector>;
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as ReturnType<typeof garbageCollector>;
  v8.setFlagsFromString('--no-expose-gc');
  return gc;
}
