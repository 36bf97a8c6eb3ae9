"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Clip } from "@/lib/api/types";
import { formatTime } from "@/lib/format";
import { FormError } from "@/components/ui/form-error";

type Props = { projectId: string; media: HTMLMediaElement | null };

const DEFAULT_LENGTH_S = 30;

export function ClipsPanel({ projectId, media }: Props) {
  const router = useRouter();
  const [clips, setClips] = useState<Clip[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    unwrap(api.GET("/api/projects/{project_id}/clips", { params: { path: { project_id: projectId } } }))
      .then(setClips)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [projectId]);

  async function remove(clip: Clip) {
    setError(null);
    try {
      await unwrap(api.DELETE("/api/clips/{clip_id}", { params: { path: { clip_id: clip.id } } }));
      setClips((list) => list?.filter((c) => c.id !== clip.id) ?? null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function clipHere() {
    setError(null);
    const start = media ? media.currentTime : 0;
    const duration = media && Number.isFinite(media.duration) ? media.duration : start + DEFAULT_LENGTH_S;
    try {
      const clip = await unwrap(
        api.POST("/api/projects/{project_id}/clips", {
          params: { path: { project_id: projectId } },
          body: { start, end: Math.min(duration, start + DEFAULT_LENGTH_S) },
        }),
      );
      router.push(`/clip/?id=${encodeURIComponent(clip.id)}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="card stack">
      <div className="spread">
        <h2>Clips</h2>
        <button type="button" onClick={clipHere}>
          New clip from the playhead
        </button>
      </div>
      <FormError message={error} />
      {clips?.length === 0 && <p className="muted">No clips yet: make one from a highlight, or from the playhead.</p>}
      {clips && clips.length > 0 && (
        <ul style={{ margin: 0, paddingLeft: "1.1rem" }}>
          {clips.map((c) => (
            <li key={c.id}>
              <Link href={`/clip/?id=${encodeURIComponent(c.id)}`}>{c.title || "Untitled clip"}</Link>{" "}
              <span className="muted small">
                {formatTime(c.start)}–{formatTime(c.end)}
              </span>{" "}
              <button
                type="button"
                className="link-button small"
                onClick={() => remove(c)}
                aria-label={`Delete clip ${c.title || "Untitled clip"}`}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
