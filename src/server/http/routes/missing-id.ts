import { ApiError } from '../../api-error';

/** The handler of `/v1/exit/`, `/v1/photo/` and `/v1/photo/thumb/` without an ID: 3100. */
export async function missingVisitorId(): Promise<never> {
  throw new ApiError('3100', 'The visitor ID is missing from the path.');
}
