/**
 * Why an upload is not a usable photo: maps to 2415 (unsupported, corrupt), 2400 (too
 * large), or 5501 (busy: the decoding queue is full; retry shortly).
 */
export type MediaProblem = 'unsupported' | 'corrupt' | 'too-large';

export class MediaError extends Error {
  constructor(
    readonly problem: MediaProblem,
    message: string,
  ) {
    super(message);
  }
}
