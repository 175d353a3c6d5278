import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { AddVisitorResponse, NextCardResponse, VisitorResponse } from '../../../shared/api-types';
import type { VisitorCorrection } from '../../../shared/visitor-fields';
import { apiJson } from '../lib/api';
import { expectedKeys } from './expected';
import { applyDeskEvent, removeFromOnSite, type LogPages } from './visitor-cache';
import { visitorKeys } from './visitors';

/**
 * Records an exit. The visitor leaves "On site now" at once; if the server refuses, they
 * come back and the error says why. The events stream then brings the exit time.
 */
export function useRecordExit(token: string, visitorId: string, onDone: () => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => apiJson(`/v1/exit/${visitorId}`, { method: 'POST', token }),
    onMutate: async () => {
      // A read under way would bring the visitor back: it is cancelled, and made again once
      // the exit is recorded (it may have been a re-read another desk's change asked for).
      const reading = client.isFetching({ queryKey: visitorKeys.onSite() }) > 0;
      await client.cancelQueries({ queryKey: visitorKeys.onSite() });
      const previous = client.getQueryData<LogPages>(visitorKeys.onSite());
      removeFromOnSite(client, visitorId);
      return { previous, reading };
    },
    onError: (_error, _vars, context) => {
      client.setQueryData(visitorKeys.onSite(), context?.previous);
      void client.invalidateQueries({ queryKey: visitorKeys.onSite() });
    },
    onSuccess: (_answer, _vars, context) => {
      if (context.reading) void client.invalidateQueries({ queryKey: visitorKeys.onSite() });
      // History shows the exit time: mark it stale (it refetches when shown, if the event has not come).
      void client.invalidateQueries({ queryKey: visitorKeys.logs() });
      onDone();
    },
  });
}

/** Checks a visitor in; the log is re-read so the newcomer shows with the server's own view of them. */
export function useCheckIn(
  token: string,
  handlers: { onSuccess: (visitorId: string) => void; onError: (error: Error) => void },
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: FormData) => apiJson<AddVisitorResponse>('/v1/add/', { method: 'POST', token, body: form }),
    onSuccess: async (answer) => {
      await client.invalidateQueries({ queryKey: visitorKeys.all });
      void client.invalidateQueries({ queryKey: nextCardKey });
      // A check-in from an expected visit marks it arrived.
      void client.invalidateQueries({ queryKey: expectedKeys.all });
      handlers.onSuccess(answer.visitor_id);
    },
    onError: handlers.onError,
  });
}

/** Undoes an exit recorded here moments ago; the events stream brings the visitor back to every desk. */
export function useUndoExit(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (visitorId: string) => apiJson<VisitorResponse>(`/v1/exit/${visitorId}`, { method: 'DELETE', token }),
    onSettled: () => client.invalidateQueries({ queryKey: visitorKeys.onSite() }),
  });
}

/** Corrects a visitor; the answer (and the event) is the visitor as they now are. */
export function useCorrectVisitor(token: string, visitorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (correction: VisitorCorrection) =>
      apiJson<VisitorResponse>(`/v1/visitors/${visitorId}`, { method: 'PATCH', token, json: correction }),
    onSuccess: (answer) =>
      applyDeskEvent(client, { type: 'visitor.updated', visitor_id: visitorId, visitor: answer.data }),
  });
}

// Not under visitorKeys.all: those hold pages of visitors, which every event walks.
const nextCardKey = ['cards', 'next'] as const;

/** The card number to suggest at check-in: the lowest nobody on the premises holds. */
export function nextCardQuery(token: string) {
  return queryOptions({
    queryKey: nextCardKey,
    queryFn: async ({ signal }) => (await apiJson<NextCardResponse>('/v1/cards/next', { token, signal })).data.card_no,
    staleTime: 0,
  });
}
