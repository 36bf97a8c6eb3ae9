"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Project } from "@/lib/api/types";
import { FormError } from "@/components/ui/form-error";

import { LanguagePicker } from "./language-picker";

const FORMATS = [
  { key: "srt", label: "SRT" },
  { key: "vtt", label: "VTT" },
  { key: "txt", label: "Text" },
  { key: "json", label: "JSON" },
] as const;

/** The project's name (renamable), its language, transcript downloads, and delete. */
export function ProjectHeader({ project: initial, onAnalyzed }: { project: Project; onAnalyzed: () => void }) {
  const router = useRouter();
  const [project, setProject] = useState(initial);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = { params: { path: { project_id: project.id } } };

  async function rename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    setError(null);
    try {
      setProject(
        await unwrap(api.PATCH("/api/projects/{project_id}", { ...path, body: { name, version: project.version } })),
      );
      setEditing(false);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function analyze() {
    setError(null);
    try {
      await unwrap(api.POST("/api/projects/{project_id}/analyze", { ...path, body: {} }));
      onAnalyzed();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function remove() {
    if (!window.confirm(`Delete "${project.name}" with its transcript, clips and exports? This cannot be undone.`))
      return;
    setError(null);
    try {
      await unwrap(api.DELETE("/api/projects/{project_id}", path));
      router.replace("/");
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="stack">
      <div className="spread">
        {editing ? (
          <form className="row" onSubmit={rename}>
            <label htmlFor="project-name" className="visually-hidden">
              Project name
            </label>
            <input
              id="project-name"
              name="name"
              type="text"
              defaultValue={project.name}
              maxLength={300}
              required
              style={{ width: "28rem" }}
            />
            <button type="submit" className="primary">
              Save name
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <div className="row">
            <h1 style={{ margin: 0 }}>{project.name}</h1>
            <button type="button" className="link-button" onClick={() => setEditing(true)}>
              Rename
            </button>
          </div>
        )}
        <div className="row">
          <span className="small muted">Transcript:</span>
          {FORMATS.map((f) => (
            <a
              key={f.key}
              className="button"
              href={apiUrl(`/api/projects/${encodeURIComponent(project.id)}/transcript/download`, { format: f.key })}
              download
              aria-label={`Download the transcript as ${f.label}`}
            >
              {f.label}
            </a>
          ))}
          <button type="button" className="danger" onClick={remove}>
            Delete project
          </button>
        </div>
      </div>
      <LanguagePicker project={project} onSaved={setProject} onAnalyze={analyze} />
      <FormError message={error} />
    </div>
  );
}
