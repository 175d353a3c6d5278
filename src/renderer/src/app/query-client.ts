import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from '../lib/api';
import { revokeObjectUrlsOnRemoval } from '../queries/photos';

/** One client for the app: a rejected token anywhere, read or change, signs the desk out. */
export function createQueryClient(onAuthFailure: () => void): QueryClient {
  const onError = (error: Error): void => {
    if (error instanceof ApiRequestError && error.isAuthFailure) onAuthFailure();
  };
  const queryCache = new QueryCache({ onError });
  revokeObjectUrlsOnRemoval(queryCache);
  return new QueryClient({
    queryCache,
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // Only a network failure is worth retrying; an API error answer will not change.
        retry: (count, error) => error instanceof ApiRequestError && error.code === 'network' && count < 3,
        refetchOnWindowFocus: true,
      },
    },
  });
}
