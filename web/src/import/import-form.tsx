import { useState } from 'preact/hooks';
import { downloadFile } from '../api/download';
import type { AuthSession } from '../auth/session';
import { href, navigate } from '../ui/router';
import { useAction } from '../ui/use-action';
import {
  fileProblem,
  type ImportJob,
  type ImportKind,
  type ImportMode,
  KINDS,
  MODES,
  uploadPath,
} from './import-model';

const initialKind = (): ImportKind =>
  new URLSearchParams(location.search).get('kind') === 'products' ? 'products' : 'customers';

/** Kind, mode and a CSV file (picked or dropped); sends it and opens the import it started. */
export function ImportForm({ auth, onStarted }: { auth: AuthSession; onStarted: () => void }) {
  const [kind, setKind] = useState<ImportKind>(initialKind);
  const [mode, setMode] = useState<ImportMode>('all_or_nothing');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const upload = useAction();
  const template = useAction();

  const choose = (picked: File | null | undefined) => {
    if (!picked) return;
    setFile(picked);
    setProblem(fileProblem(picked));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return setProblem('Choose a CSV file first.');
    const why = fileProblem(file);
    if (why) return setProblem(why);
    let job: ImportJob | undefined;
    const ok = await upload.run(async () => {
      job = await auth.fetch<ImportJob>(uploadPath(kind, mode, file.name), {
        method: 'POST',
        raw: { data: file, type: 'text/csv' },
      });
    });
    if (ok && job) {
      onStarted();
      navigate(href('import', job.id));
    }
  };
  const downloadTemplate = () =>
    void template.run(() =>
      downloadFile(auth, `/v1/imports/template?kind=${kind}`, 'text/csv', `${kind}-template.csv`),
    );

  return (
    <form class="panel import-form" onSubmit={submit} aria-labelledby="import-form-heading" data-testid="import-form">
      <h2 id="import-form-heading">Import a CSV file</h2>
      <fieldset>
        <legend>What the file holds</legend>
        {(Object.keys(KINDS) as ImportKind[]).map((k) => (
          <label key={k} class="choice">
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            <span>
              <strong>{KINDS[k].label}</strong>
              <span class="help">
                Columns: {KINDS[k].columns}. {KINDS[k].key}
              </span>
            </span>
          </label>
        ))}
        <p class="row wrap">
          <button type="button" class="button secondary" onClick={downloadTemplate} disabled={template.busy}>
            Download the {KINDS[kind].label.toLowerCase()} template
          </button>
          {template.note?.error && (
            <span class="error" role="alert">
              The template could not be downloaded: {template.note.text}
            </span>
          )}
        </p>
      </fieldset>
      <fieldset>
        <legend>When some rows are invalid</legend>
        {(Object.keys(MODES) as ImportMode[]).map((m) => (
          <label key={m} class="choice">
            <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            <span>
              <strong>{MODES[m].label}</strong>
              <span class="help">{MODES[m].explain}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label
        class={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          choose(e.dataTransfer?.files[0]);
        }}
      >
        <span>
          <strong>{file ? file.name : 'Choose a CSV file'}</strong>
          <span class="help">
            {file
              ? `${(file.size / 1024).toFixed(1)} KB. Drop another file here or click to change it.`
              : 'Click to pick one, or drop it here: UTF-8, separated by commas, semicolons or tabs, a header row first; at most 1 MiB and 10,000 rows.'}
          </span>
        </span>
        <input
          type="file"
          name="file"
          accept=".csv,text/csv"
          class="visually-hidden"
          data-testid="import-file"
          onChange={(e) => choose(e.currentTarget.files?.[0])}
        />
      </label>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {upload.note?.error && (
        <p class="error" role="alert" data-testid="import-error">
          The file was not imported: {upload.note.text}
        </p>
      )}
      <div class="row">
        <button type="submit" class="button" disabled={upload.busy} aria-busy={upload.busy}>
          {upload.busy ? 'Uploading…' : `Import ${KINDS[kind].label.toLowerCase()}`}
        </button>
      </div>
    </form>
  );
}
