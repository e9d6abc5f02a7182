export interface FrameClock {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

const browserFrames: FrameClock = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export interface FrameRequest {
  /** Draws at the next frame (once, however often it is asked before). */
  schedule(): void;
  /** Draws now, and not again at the next frame unless asked again. */
  flush(): void;
  cancel(): void;
}

/**
 * Runs `draw` at the next animation frame, once for however many `schedule()` calls come before it: with
 * a big team streaming, fixes arrive many times a frame and the screen shows one frame anyway. `flush()`
 * draws at once instead (a map that has just stopped moving must not show a stale frame first).
 */
export function onePerFrame(draw: () => void, clock: FrameClock = browserFrames): FrameRequest {
  let pending: number | null = null;
  const cancel = () => {
    if (pending !== null) clock.cancel(pending);
    pending = null;
  };
  return {
    schedule() {
      pending ??= clock.request(() => {
        pending = null;
        draw();
      });
    },
    flush() {
      cancel();
      draw();
    },
    cancel,
  };
}
