import { useState } from 'preact/hooks';
import type { AreaGeometry } from '../api/types';
import type { AuthSession } from '../auth/session';
import { ConfirmButton } from '../ui/confirm-button';
import { Note } from '../ui/note';
import { useAction } from '../ui/use-action';
import { boundaryToSave, type DraftAction, type DraftState } from './draft';
import { parseBoundary, toPolygon } from './polygon';
import type { TerritoryRecord } from './team-types';

interface Props {
  auth: AuthSession;
  /** Null for a new territory. */
  territory: TerritoryRecord | null;
  draft: DraftState;
  dispatch: (action: DraftAction) => void;
  onSaved: (id: string) => void;
  onClose: () => void;
}

/** A territory's name, description and outline (drawn on the map beside it), saved in one request. */
export function TerritoryForm({ auth, territory, draft, dispatch, onSaved, onClose }: Props) {
  const [name, setName] = useState(territory?.name ?? '');
  const [description, setDescription] = useState(territory?.description ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useAction();
  const remove = useAction();
  const edit = (action: DraftAction) => {
    setProblem(null);
    dispatch(action);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const boundary = boundaryToSave(draft, !territory);
    if (typeof boundary === 'string') return setProblem(boundary);
    setProblem(null);
    const body = { name: name.trim(), description: description.trim() || null, boundary };
    let saved: TerritoryRecord | undefined;
    const ok = await save.run(async () => {
      saved = territory
        ? await auth.fetch<TerritoryRecord>(`/v1/territories/${encodeURIComponent(territory.id)}`, {
            method: 'PATCH',
            body: { ...body, expectedVersion: territory.version },
          })
        : await auth.fetch<TerritoryRecord>('/v1/territories', { method: 'POST', body });
    }, 'Saved.');
    if (ok && saved) onSaved(saved.id);
  };

  const destroy = async () => {
    if (!territory) return;
    const ok = await remove.run(() =>
      auth.fetch(`/v1/territories/${encodeURIComponent(territory.id)}`, { method: 'DELETE' }),
    );
    if (ok) onSaved('');
  };

  return (
    <form class="panel territory-form" onSubmit={submit} aria-labelledby="territory-form-heading">
      <h2 id="territory-form-heading">{territory ? `Edit ${territory.name}` : 'New territory'}</h2>
      <label>
        Name
        <input name="name" value={name} required maxLength={200} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        <span>
          Description <span class="muted">(optional)</span>
        </span>
        <textarea
          name="description"
          value={description}
          rows={2}
          maxLength={2000}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>
      <fieldset class="outline-tools">
        <legend>Outline</legend>
        <p class="muted" data-testid="outline-status" data-corners={draft.ring.length} aria-live="polite">
          {outlineHint(draft)}
        </p>
        {draft.dropped > 0 && !draft.pasted && (
          <p class="muted">
            This boundary has {draft.dropped + 1} parts or holes; the map edits the first outline only, and saving an
            edited outline keeps just that one.
          </p>
        )}
        <div class="row wrap">
          {!draft.closed && draft.ring.length >= 3 && (
            <button type="button" class="button secondary" onClick={() => edit({ type: 'close' })}>
              Finish outline
            </button>
          )}
          <button
            type="button"
            class="button secondary"
            onClick={() => edit({ type: 'undo' })}
            disabled={draft.past.length === 0}
          >
            Undo
          </button>
          <button
            type="button"
            class="button secondary"
            onClick={() => edit({ type: 'clear' })}
            disabled={draft.ring.length === 0}
          >
            Clear outline
          </button>
        </div>
        <GeoJsonInput
          current={draft.pasted ?? (draft.ring.length >= 3 ? toPolygon(draft.ring) : null)}
          onApply={(boundary) => edit({ type: 'paste', boundary })}
        />
      </fieldset>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <Note action={save} testId="territory-note" />
      <Note action={remove} />
      <div class="row wrap">
        <button type="submit" class="button" disabled={save.busy} aria-busy={save.busy}>
          {save.busy ? 'Saving…' : territory ? 'Save territory' : 'Create territory'}
        </button>
        <button type="button" class="button secondary" onClick={onClose}>
          Close
        </button>
        <span class="spacer" />
        {territory && (
          <ConfirmButton
            label="Delete"
            question={`Delete ${territory.name}?`}
            confirmLabel="Delete"
            onConfirm={() => void destroy()}
            disabled={remove.busy}
          />
        )}
      </div>
    </form>
  );
}

function outlineHint(draft: DraftState): string {
  const n = draft.ring.length;
  if (draft.pasted) return 'The GeoJSON given will be saved as it is.';
  if (n === 0) return 'Click the map to place the first corner (or type the outline as GeoJSON below).';
  if (!draft.closed) {
    return n < 3
      ? `${n} of at least 3 corners: keep clicking around the area.`
      : `${n} corners. Click the first corner or “Finish outline” to close it, or keep adding corners.`;
  }
  return `${n} corners. Click near an edge to add a corner there; drag a corner (or focus it and use the arrow keys) to move it; right-click it (or press Delete) to remove it.`;
}

/** The keyboard's way to give an outline (and to bring one from another tool): GeoJSON in a text box. */
function GeoJsonInput({
  current,
  onApply,
}: {
  current: AreaGeometry | null;
  onApply: (boundary: AreaGeometry) => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <details
      class="geojson"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open) setText(current ? JSON.stringify(current) : '');
      }}
    >
      <summary>Type or paste the outline as GeoJSON</summary>
      <label>
        GeoJSON Polygon or MultiPolygon, [longitude, latitude] positions
        <textarea rows={4} value={text} spellcheck={false} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        class="button secondary"
        onClick={() => {
          const parsed = parseBoundary(text);
          if ('error' in parsed) return setError(parsed.error);
          setError(null);
          onApply(parsed.boundary);
        }}
      >
        Use this outline
      </button>
    </details>
  );
}
