import type { AreaGeometry } from '../api/types';
import { insertCorner, moveCorner, type Position, removeCorner, ringOf, ringProblem, toPolygon } from './polygon';

interface Outline {
  ring: Position[];
  /** Finished outline: a new corner splits the nearest edge instead of extending the line. */
  closed: boolean;
  /** A boundary typed or pasted as GeoJSON, saved exactly as given (holes, several parts) until the map edits it. */
  pasted: AreaGeometry | null;
  /** Parts and holes beyond the first outline, which the map does not edit. */
  dropped: number;
}

/** The outline being drawn, with the steps back to where it started (Undo). */
export interface DraftState extends Outline {
  past: Outline[];
  /** Whether anything changed since it was loaded (an untouched boundary is saved as it was). */
  edited: boolean;
}

export type DraftAction =
  | { type: 'add'; p: Position }
  | { type: 'move'; index: number; p: Position }
  | { type: 'remove'; index: number }
  | { type: 'close' }
  | { type: 'clear' }
  | { type: 'undo' }
  /** A territory's boundary opened for editing (none for a new one). */
  | { type: 'load'; boundary: AreaGeometry | null }
  | { type: 'paste'; boundary: AreaGeometry };

export function loadDraft(boundary: AreaGeometry | null): DraftState {
  const { ring, dropped } = ringOf(boundary);
  return { ring, closed: ring.length >= 3, pasted: null, dropped, past: [], edited: false };
}

const outlineOf = ({ ring, closed, pasted, dropped }: DraftState): Outline => ({ ring, closed, pasted, dropped });

export function draftReducer(state: DraftState, action: DraftAction): DraftState {
  const step = (next: Outline): DraftState => ({ ...next, past: [...state.past, outlineOf(state)], edited: true });
  // Drawing on the map edits one outline: a pasted multi-part boundary gives way to it.
  const drawn = (ring: Position[], closed = state.closed) =>
    step({ ring, closed: closed && ring.length >= 3, pasted: null, dropped: 0 });
  switch (action.type) {
    case 'add':
      return drawn(state.closed ? insertCorner(state.ring, action.p) : [...state.ring, action.p]);
    case 'move':
      return drawn(moveCorner(state.ring, action.index, action.p));
    case 'remove':
      return drawn(removeCorner(state.ring, action.index));
    case 'close':
      return state.ring.length >= 3 && !state.closed ? drawn(state.ring, true) : state;
    case 'clear':
      return state.ring.length ? drawn([], false) : state;
    case 'undo': {
      const previous = state.past.at(-1);
      if (!previous) return state;
      return { ...previous, past: state.past.slice(0, -1), edited: state.past.length > 1 };
    }
    case 'load':
      return loadDraft(action.boundary);
    case 'paste': {
      const { ring, dropped } = ringOf(action.boundary);
      return step({ ring, closed: true, pasted: dropped > 0 ? action.boundary : null, dropped });
    }
  }
}

/**
 * What to send as the territory's `boundary`: undefined leaves it as it is (nothing edited), null
 * removes it, else the outline; a string says why the outline cannot be saved.
 */
export function boundaryToSave(draft: DraftState, isNew: boolean): AreaGeometry | null | undefined | string {
  if (draft.pasted) return draft.pasted;
  if (!draft.edited && !isNew) return undefined;
  if (draft.ring.length === 0) return null;
  return ringProblem(draft.ring) ?? toPolygon(draft.ring);
}
