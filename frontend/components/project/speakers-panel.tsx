"use client";

import { type FormEvent, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Speaker } from "@/lib/api/types";
import { FormError } from "@/components/ui/form-error";

type Props = { projectId: string; speakers: Speaker[]; onRenamed: () => void };

export function SpeakersPanel({ projectId, speakers, onRenamed }: Props) {
  return (
    <div className="card stack">
      <h2>Speakers</h2>
      {speakers.length === 0 && <p className="muted">No speakers were detected.</p>}
      {speakers.map((s) => (
        <SpeakerForm key={s.id} projectId={projectId} speaker={s} onRenamed={onRenamed} />
      ))}
    </div>
  );
}

function SpeakerForm({
  projectId,
  speaker,
  onRenamed,
}: {
  projectId: string;
  speaker: Speaker;
  onRenamed: () => void;
}) {
  const [name, setName] = useState(speaker.name ?? "");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const inputId = `speaker-${speaker.id}`;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await unwrap(
        api.PATCH("/api/projects/{project_id}/speakers/{speaker_id}", {
          params: { path: { project_id: projectId, speaker_id: speaker.id } },
          body: { name: name.trim() || null },
        }),
      );
      setSaved(true);
      onRenamed();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <form onSubmit={onSubmit} className="stack">
      <label htmlFor={inputId}>{speaker.label}</label>
      <div className="row">
        <input
          id={inputId}
          type="text"
          value={name}
          maxLength={200}
          placeholder={speaker.label}
          onChange={(e) => setName(e.target.value)}
          style={{ flex: 1, width: "auto" }}
        />
        <button type="submit">Rename</button>
      </div>
      {saved && (
        <p className="small muted" role="status">
          Saved.
        </p>
      )}
      <FormError message={error} />
    </form>
  );
}
