import { describe, expect, it } from 'vitest';
import { onePerFrame } from '../src/live/one-per-frame';

/** Animation frames run by hand. */
function frames() {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    request: (callback: () => void) => {
      callbacks.set(next, callback);
      return next++;
    },
    cancel: (handle: number) => void callbacks.delete(handle),
    get waiting() {
      return callbacks.size;
    },
    tick() {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback();
    },
  };
}

describe('drawing the salesmen at most once per animation frame', () => {
  it('draws once at the next frame for every fix that came before it', () => {
    const clock = frames();
    let draws = 0;
    const frame = onePerFrame(() => draws++, clock);
    for (let i = 0; i < 50; i++) frame.schedule();
    expect(draws).toBe(0);
    expect(clock.waiting).toBe(1);
    clock.tick();
    expect(draws).toBe(1);
    clock.tick();
    expect(draws).toBe(1);
    frame.schedule();
    clock.tick();
    expect(draws).toBe(2);
  });

  it('draws at once when the map stops moving, and not again at the next frame', () => {
    const clock = frames();
    let draws = 0;
    const frame = onePerFrame(() => draws++, clock);
    frame.schedule();
    frame.flush();
    expect(draws).toBe(1);
    expect(clock.waiting).toBe(0);
    clock.tick();
    expect(draws).toBe(1);
  });

  it('draws nothing once cancelled (the map gone)', () => {
    const clock = frames();
    let draws = 0;
    const frame = onePerFrame(() => draws++, clock);
    frame.schedule();
    frame.cancel();
    clock.tick();
    expect(draws).toBe(0);
    frame.schedule();
    clock.tick();
    expect(draws).toBe(1);
  });

  it('may be asked again from inside its own draw (a fix applied while drawing)', () => {
    const clock = frames();
    let draws = 0;
    const frame = onePerFrame(() => {
      draws++;
      if (draws === 1) frame.schedule();
    }, clock);
    frame.schedule();
    clock.tick();
    expect(clock.waiting).toBe(1);
    clock.tick();
    expect(draws).toBe(2);
  });
});
