import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import type { AuthSession } from '../auth/session';
import { notifyChanged } from '../ui/changes';
import { draftReducer, loadDraft } from './draft';
import type { SalesmanRecord, TerritoryRecord } from './team-types';
import { TerritoryForm } from './territory-form';
import { type DraftHandlers, TerritoryMap } from './territory-map';

interface Props {
  auth: AuthSession;
  territories: TerritoryRecord[];
  salesmen: SalesmanRecord[];
  canWrite: boolean;
  reload: () => void;
}

/** Territories on a map and in a list; managers and above draw, rename and delete them. */
export function TerritoriesPanel({ auth, territories, salesmen, canWrite, reload }: Props) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const selected = territories.find((t) => t.id === selectedId) ?? null;
  const editing = canWrite && (creating || selected !== null);
  const [draft, dispatch] = useReducer(draftReducer, null, loadDraft);
  // The outline follows the territory opened (its saved version once saved).
  useEffect(
    () => dispatch({ type: 'load', boundary: creating ? null : (selected?.boundary ?? null) }),
    [selected, creating],
  );

  const perTerritory = useMemo(() => {
    const counts = new Map<string, number>();
    for (const s of salesmen) if (s.territoryId) counts.set(s.territoryId, (counts.get(s.territoryId) ?? 0) + 1);
    return counts;
  }, [salesmen]);
  const handlers: DraftHandlers = {
    onAdd: (p) => dispatch({ type: 'add', p }),
    onMove: (index, p) => dispatch({ type: 'move', index, p }),
    onRemove: (index) => dispatch({ type: 'remove', index }),
    onClose: () => dispatch({ type: 'close' }),
  };
  const open = (id: string | null, isNew = false) => {
    setCreating(isNew);
    setSelectedId(id);
  };
  // While an outline is being redrawn, its saved shape would only be in the way.
  const shown = editing && draft.edited ? territories.filter((t) => t.id !== selected?.id) : territories;

  return (
    <div class="territories" data-testid="territories">
      <div class="territory-map">
        <TerritoryMap
          territories={shown}
          selectedId={selected?.id ?? null}
          draft={editing ? draft : null}
          handlers={handlers}
          onSelect={(id) => open(id)}
        />
      </div>
      <div class="territory-side">
        {editing && (
          <TerritoryForm
            key={creating ? 'new' : selected?.id}
            auth={auth}
            territory={creating ? null : selected}
            draft={draft}
            dispatch={dispatch}
            onSaved={(id) => {
              reload();
              notifyChanged();
              open(id);
            }}
            onClose={() => open(null)}
          />
        )}
        <section class="panel" aria-labelledby="territories-heading">
          <div class="panel-head">
            <h2 id="territories-heading">Territories</h2>
            {canWrite && !creating && (
              <button type="button" class="button" onClick={() => open(null, true)}>
                New territory
              </button>
            )}
          </div>
          {territories.length === 0 ? (
            <p class="muted">
              No territories yet.{canWrite ? ' Press “New territory”, then click the map around the area.' : ''}
            </p>
          ) : (
            <ul class="pick-list" aria-labelledby="territories-heading">
              {territories.map((t) => {
                const n = perTerritory.get(t.id) ?? 0;
                return (
                  <li key={t.id} data-territory-id={t.id}>
                    <button
                      type="button"
                      class="pick"
                      aria-pressed={t.id === selectedId}
                      onClick={() => open(t.id === selectedId ? null : t.id)}
                    >
                      <span>{t.name}</span>
                      <span class="muted">
                        {n} {n === 1 ? 'salesman' : 'salesmen'}
                        {t.boundary ? '' : ' · no outline'}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {selected && !canWrite && (
            <div class="territory-detail">
              <h3>{selected.name}</h3>
              <p class="muted">{selected.description || 'No description.'}</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
