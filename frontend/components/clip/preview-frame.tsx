"use client";

import { useEffect, useState } from "react";

import { apiUrl } from "@/lib/api/client";
import { messageFrom } from "@/lib/api/errors";
import type { Preset } from "@/lib/api/types";

type Props = {
  clipId: string;
  clipVersion: number;
  platforms: Preset[];
  platform: string;
  onPlatform: (key: string) => void;
  captionStyle: string;
  audiogramStyle: string;
};

type Frame = { url: string | null; error: string | null; loading: boolean };

/** One frame of the clip rendered through the same pipeline as the export, for the style pickers. */
export function PreviewFrame({
  clipId,
  clipVersion,
  platforms,
  platform,
  onPlatform,
  captionStyle,
  audiogramStyle,
}: Props) {
  const [frame, setFrame] = useState<Frame>({ url: null, error: null, loading: true });
  const src = apiUrl(`/api/clips/${encodeURIComponent(clipId)}/preview`, {
    platform,
    caption_style: captionStyle,
    audiogram_style: audiogramStyle,
    v: clipVersion,
  });

  useEffect(() => {
    const abort = new AbortController();
    let objectUrl: string | null = null;
    // Wait a moment so clicking through the styles does not start a render per click.
    const timer = setTimeout(() => {
      setFrame((f) => ({ ...f, loading: true, error: null }));
      fetch(src, { credentials: "same-origin", signal: abort.signal })
        .then(async (res) => {
          if (!res.ok) {
            const body: unknown = await res.json().catch(() => null);
            throw new Error(messageFrom(res.status, body));
          }
          objectUrl = URL.createObjectURL(await res.blob());
          setFrame({ url: objectUrl, error: null, loading: false });
        })
        .catch((err: unknown) => {
          if (!abort.signal.aborted)
            setFrame({ url: null, error: err instanceof Error ? err.message : String(err), loading: false });
        });
    }, 350);
    return () => {
      clearTimeout(timer);
      abort.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [src]);

  const preset = platforms.find((p) => p.key === platform);
  return (
    <div className="card stack">
      <div className="spread">
        <h2>Preview</h2>
        <div>
          <label htmlFor="preview-platform" className="visually-hidden">
            Preview for platform
          </label>
          <select id="preview-platform" value={platform} onChange={(e) => onPlatform(e.target.value)}>
            {platforms.map((p) => (
              <option key={p.key} value={p.key}>
                {p.name} ({p.width}×{p.height})
              </option>
            ))}
          </select>
        </div>
      </div>
      {frame.error && (
        <div className="alert alert-error" role="alert">
          {frame.error}
        </div>
      )}
      <div aria-busy={frame.loading} style={{ textAlign: "center" }}>
        {frame.url ? (
          // eslint-disable-next-line @next/next/no-img-element -- a blob URL of a server-rendered frame
          <img
            className="preview-frame"
            src={frame.url}
            alt={`Preview frame for ${preset?.name ?? platform} with the chosen styles`}
            style={{ opacity: frame.loading ? 0.5 : 1 }}
            data-testid="preview-frame"
          />
        ) : (
          !frame.error && <p className="muted">Rendering a preview frame…</p>
        )}
      </div>
      <p className="small muted">
        Shows the saved clip (trim, speaker badges, emphasis, caption size and position) with the caption and audiogram
        styles picked here. Save the clip to preview other changes.
      </p>
    </div>
  );
}
