"use client";

import { type ChangeEvent, useEffect, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Project, SpeechStatus } from "@/lib/api/types";
import { AUTO, languageChoices, languageName, languageSetting } from "@/lib/languages";
import { FormError } from "@/components/ui/form-error";
import { MessageText } from "@/components/ui/message-text";

type Props = {
  project: Project;
  /** The project as the API answered the change (its new version). */
  onSaved: (project: Project) => void;
  /** Start the analysis again; offered once the language differs from the transcript's. */
  onAnalyze?: () => void;
};

/** The transcript's detected language and a selector for the language the next analysis uses. */
export function LanguagePicker({ project, onSaved, onAnalyze }: Props) {
  const [status, setStatus] = useState<SpeechStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const selectId = `language-${project.id}`;
  const noteId = `${selectId}-note`;

  useEffect(() => {
    unwrap(api.GET("/api/system/speech"))
      .then(setStatus)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  async function change(event: ChangeEvent<HTMLSelectElement>) {
    setError(null);
    setSaving(true);
    try {
      const body = { language: languageSetting(event.target.value), version: project.version };
      onSaved(
        await unwrap(api.PATCH("/api/projects/{project_id}", { params: { path: { project_id: project.id } }, body })),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  const languages = status?.languages ?? [];
  const detected = project.detected_language ?? null;
  const chosen = project.language ?? null;
  const stale = detected !== null && chosen !== null && chosen !== detected;
  return (
    <div className="stack">
      <div className="row">
        <label htmlFor={selectId}>Language</label>
        <select
          id={selectId}
          value={chosen ?? AUTO}
          onChange={change}
          disabled={!status || saving}
          aria-describedby={status?.multilingual === false ? noteId : undefined}
        >
          {status ? (
            languageChoices(status).map((c) => (
              <option key={c.value} value={c.value} disabled={c.disabled}>
                {c.label}
              </option>
            ))
          ) : (
            <option value={chosen ?? AUTO}>{chosen ?? "Auto-detect"}</option>
          )}
        </select>
        <span className="small muted" data-testid="detected-language">
          {detected ? `Detected: ${languageName(detected, languages)}` : "Detected when the analysis runs"}
        </span>
        {stale && onAnalyze && (
          <button type="button" onClick={onAnalyze}>
            Analyze again in {languageName(chosen, languages)}
          </button>
        )}
      </div>
      {status?.multilingual === false && (
        <p className="small muted" id={noteId}>
          <MessageText message={status.message} />
        </p>
      )}
      <FormError message={error} />
    </div>
  );
}
