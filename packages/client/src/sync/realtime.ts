import type { RealtimeClient } from '../realtime-client.js';

/** The part of the realtime client the wiring needs (a `RealtimeClient` has it). */
export type SyncPokeSource = Pick<RealtimeClient, 'subscribe' | 'unsubscribe' | 'on'>;

/**
 * Lets a realtime connection drive a sync client: joins the `sync` room (the realtime client rejoins it
 * after every reconnect), pokes on every `sync:poke` frame, and pokes again on every `welcome`, the
 * first included: pokes sent while the socket was down are lost, and a change committed between the
 * start-up pull and the socket's join would otherwise wait for the next one. Returns an undo.
 */
export function wireSyncPokes(sync: { poke(): void }, realtime: SyncPokeSource): () => void {
  realtime.subscribe('sync');
  const offPoke = realtime.on('sync:poke', () => sync.poke());
  const offWelcome = realtime.on('welcome', () => sync.poke());
  return () => {
    offPoke();
    offWelcome();
    realtime.unsubscribe('sync');
  };
}
