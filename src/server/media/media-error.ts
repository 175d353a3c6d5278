/** Why an upload is not a usable photo: maps to 2415 (unsupported, corrupt) or 2400 (too large). */
export type MediaProblem = 'unsupported' | 'corrupt' | 'too-large';

export class MediaError extends Error {
  constructor(
    readonly problem: MediaProblem,
    message: string,
  ) {
    super(message);
  }
}
