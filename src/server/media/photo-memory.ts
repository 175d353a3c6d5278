import pLimit from 'p-limit';
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
 * not this process) and are read in turn; past a bounded queue they are turned away at
 * once with 5501 and Retry-After.
 *
 * For how long: V8 frees those Buffers only when it collects garbage, and lets 64 MB of
 * them pile up before it does; on a kiosk with a 200 MiB budget that is a third of it,
 * held by photos already on disk (70 MiB of dead Buffers after a run of check-ins). So a
 * collection is asked for, in the background (concurrent marking, no pause of note), when
 * the last photo in memory is done, or after every fourth under a steady stream.
 */
const PHOTOS_AT_ONCE = 3;
const PHOTOS_WAITING_MAX = 64;
const COLLECT_EVERY = 4;

const photos = pLimit(PHOTOS_AT_ONCE);
let holding = 0;
let doneSinceCollection = 0;

v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as (options: { type: 'major'; execution: 'async' }) => void;
v8.setFlagsFromString('--no-expose-gc');

/** Photos being read or processed, and check-ins waiting for a turn. */
export function photoQueue(): { inMemory: number; waiting: number } {
  return { inMemory: holding, waiting: photos.pendingCount };
}

export interface PhotoSlot {
  /** Waits for a turn to read the image; 5501 when too many already wait. */
  acquire: () => Promise<void>;
  /** Ends the turn (or gives it up unused); safe to call more than once, or without acquire. */
  release: () => void;
}

export function photoSlot(): PhotoSlot {
  let released = false;
  let end: (() => void) | undefined;
  return {
    acquire: () => {
      if (photos.pendingCount >= PHOTOS_WAITING_MAX) {
        return Promise.reject(
          new ApiError('5501', 'The kiosk is busy with other photos; retry in a moment.', {
            headers: { 'retry-after': '1' },
          }),
        );
      }
      return new Promise<void>((granted) => {
        void photos(
          () =>
            new Promise<void>((done) => {
              if (released) return done();
              holding++;
              end = () => {
                holding--;
                done();
                photoDone();
              };
              granted();
            }),
        );
      });
    },
    release: () => {
      if (released) return;
      released = true;
      end?.();
    },
  };
}

function photoDone(): void {
  doneSinceCollection++;
  if (holding > 0 && doneSinceCollection < COLLECT_EVERY) return;
  doneSinceCollection = 0;
  // After the answer has gone out, not in its way.
  setImmediate(() => collect({ type: 'major', execution: 'async' }));
}
