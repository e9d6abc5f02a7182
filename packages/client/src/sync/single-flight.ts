/**
 * Runs a task one at a time. A call while it runs does not start a second run alongside: it gets one
 * more run after the current one, shared by every call made meanwhile, so a change made during a run
 * is never left unsynced and a burst of triggers costs one extra run at most.
 */
export class SingleFlight<T> {
  private running = false;
  private queued: { promise: Promise<T>; resolve: (value: T | Promise<T>) => void } | null = null;
  private dropped = false;

  /** `task` should not reject; `result` is read once the run is over (not busy any more). */
  constructor(
    private readonly task: () => Promise<void>,
    private readonly result: () => T,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  run(): Promise<T> {
    if (!this.running) return this.launch();
    this.dropped = false;
    if (!this.queued) {
      let resolve: (value: T | Promise<T>) => void = () => {};
      const promise = new Promise<T>((r) => {
        resolve = r;
      });
      this.queued = { promise, resolve };
    }
    return this.queued.promise;
  }

  /** The follow-up run queued so far will not start; its callers get the current run's result. */
  dropQueued(): void {
    if (this.queued) this.dropped = true;
  }

  private launch(): Promise<T> {
    this.running = true;
    const finish = (): T => {
      this.running = false;
      const result = this.result();
      const queued = this.queued;
      this.queued = null;
      if (queued) queued.resolve(this.dropped ? result : this.launch());
      this.dropped = false;
      return result;
    };
    return this.task().then(finish, (err) => {
      console.error(err);
      return finish();
    });
  }
}
