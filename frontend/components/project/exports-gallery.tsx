"use client";

import Link from "next/link";
import { useEffect, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Clip, Export } from "@/lib/api/types";
import { FormError } from "@/components/ui/form-error";

type Item = { clip: Clip; export: Export };

/** Every finished export of the project's clips, newest first, each playing in place. */
export function ExportsGallery({ projectId }: { projectId: string }) {
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      const clips = await unwrap(
        api.GET("/api/projects/{project_id}/clips", { params: { path: { project_id: projectId } } }),
      );
      const lists = await Promise.all(
        clips.map(async (clip) => {
          const exports = await unwrap(
            api.GET("/api/clips/{clip_id}/exports", { params: { path: { clip_id: clip.id } } }),
          );
          return exports.filter((e) => e.status === "done" && e.has_video).map((e) => ({ clip, export: e }));
        }),
      );
      const all = lists.flat().sort((a, b) => b.export.created_at.localeCompare(a.export.created_at));
      if (live) setItems(all);
    })().catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [projectId]);

  if (!error && (items === null || items.length === 0)) return null;
  return (
    <div className="card stack" aria-labelledby="gallery-title" data-testid="exports-gallery">
      <h2 id="gallery-title">Exports</h2>
      <FormError message={error} />
      <ul
        style={{
          listStyle: "none",
          padding: 0,
          margin: 0,
          display: "grid",
          gridTemplateColumns: "repeat(auto-fill, minmax(150px, 1fr))",
          gap: "0.75rem",
        }}
      >
        {items?.map(({ clip, export: e }) => {
          const file = (kind: "video" | "thumbnail") =>
            apiUrl(`/api/exports/${encodeURIComponent(e.id)}/download`, { file: kind });
          return (
            <li key={e.id} className="stack" data-testid="gallery-item">
              <video
                src={file("video")}
                poster={e.has_thumbnail ? file("thumbnail") : undefined}
                controls
                playsInline
                preload="metadata"
                aria-label={`${clip.title || "Clip"} for ${e.platform}`}
                style={{ width: "100%", borderRadius: 6, background: "#000" }}
              />
              <span className="small">
                <Link href={`/clip/?id=${encodeURIComponent(clip.id)}`}>{clip.title || "Untitled clip"}</Link>
                <br />
                <span className="muted">
                  {e.platform} · {e.duration.toFixed(1)} s{e.check?.passed ? " · check passed" : ""}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
