"use client";

import { type FormEvent, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { speakerPhotoUrl, uploadSpeakerPhoto } from "@/lib/api/speaker-photos";
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
      <SpeakerPhotoField projectId={projectId} speaker={speaker} />
    </form>
  );
}

/** The speaker's badge photo for audiograms: shown when there is one, uploaded or removed here. */
function SpeakerPhotoField({ projectId, speaker }: { projectId: string; speaker: Speaker }) {
  const [version, setVersion] = useState(0);
  const [shown, setShown] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = `speaker-photo-${speaker.id}`;

  async function onFile(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await uploadSpeakerPhoto(projectId, speaker.id, file);
      setShown(true);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function onRemove() {
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.DELETE("/api/projects/{project_id}/speakers/{speaker_id}/photo", {
          params: { path: { project_id: projectId, speaker_id: speaker.id } },
        }),
      );
      setShown(false);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="row">
      {shown && (
        // eslint-disable-next-line @next/next/no-img-element -- a small API image, not a page asset
        <img
          src={speakerPhotoUrl(projectId, speaker.id, version)}
          alt={`Badge photo of ${speaker.display_name}`}
          width={40}
          height={40}
          style={{ borderRadius: "50%" }}
          onError={() => setShown(false)}
        />
      )}
      <label htmlFor={inputId} className="small">
        Badge photo
      </label>
      <input
        id={inputId}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        disabled={busy}
        onChange={(e) => void onFile(e.target.files?.[0])}
        style={{ width: "auto" }}
      />
      {shown && (
        <button type="button" className="secondary" disabled={busy} onClick={() => void onRemove()}>
          Remove photo
        </button>
      )}
      <FormError message={error} />
    </div>
  );
}
