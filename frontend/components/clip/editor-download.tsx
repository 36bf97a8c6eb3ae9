"use client";

import { useState } from "react";

import { api } from "@/lib/api/client";
import { errorMessage, toApiError } from "@/lib/api/errors";
import type { components } from "@/lib/api/schema";
import { FormError } from "@/components/ui/form-error";

type EditorFormat = components["schemas"]["EditorFormatKey"];

const FORMATS: { key: EditorFormat; name: string; carries: string }[] = [
  { key: "otio", name: "OpenTimelineIO (.otio)", carries: "cuts, caption markers, the crop and its keyframes" },
  { key: "fcpxml", name: "FCPXML (Final Cut Pro, DaVinci Resolve)", carries: "cuts and caption markers" },
  { key: "fcp7", name: "FCP 7 XML (Premiere Pro)", carries: "cuts and caption markers" },
  { key: "edl", name: "CMX 3600 EDL", carries: "cuts (video events) and caption locators" },
];

const LEFT_OUT_HEADER = "X-SpaceClip-Left-Out";

type Props = { clipId: string } | { projectId: string };

/** Download a clip's (or every clip of a project's) edit for a desktop editor, and say what the format left out. */
export function EditorDownload(props: Props) {
  const [format, setFormat] = useState<EditorFormat>("otio");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [leftOut, setLeftOut] = useState<string[] | null>(null);
  const carries = FORMATS.find((f) => f.key === format)?.carries ?? "";

  async function download() {
    setBusy(true);
    setError(null);
    setLeftOut(null);
    try {
      const query = { format };
      const {
        data,
        error: body,
        response,
      } = "clipId" in props
        ? await api.GET("/api/clips/{clip_id}/editor", {
            params: { path: { clip_id: props.clipId }, query },
            parseAs: "blob",
          })
        : await api.GET("/api/projects/{project_id}/editor", {
            params: { path: { project_id: props.projectId }, query },
            parseAs: "blob",
          });
      if (!response.ok || !data) throw toApiError(response.status, body);
      const header = response.headers.get(LEFT_OUT_HEADER) ?? "";
      setLeftOut(header ? header.split("; ") : []);
      const disposition = response.headers.get("Content-Disposition") ?? "";
      const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `edit-${format}.zip`;
      const url = URL.createObjectURL(data as Blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card stack" data-testid="editor-download">
      <h2>Open in an editor</h2>
      <p className="small muted">
        The cuts on the original media, with the captions as clip.srt, for your own editing. Carries {carries}.
      </p>
      <div className="row">
        <label>
          Format{" "}
          <select value={format} onChange={(e) => setFormat(e.target.value as EditorFormat)} disabled={busy}>
            {FORMATS.map((f) => (
              <option key={f.key} value={f.key}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={download} disabled={busy}>
          {busy ? "Preparing…" : "Download .zip"}
        </button>
      </div>
      {leftOut && (
        <div className="small" data-testid="editor-left-out">
          {leftOut.length === 0 ? (
            <p>Nothing was left out.</p>
          ) : (
            <>
              <p>Left out of this format (also in the zip&apos;s README.txt):</p>
              <ul>
                {leftOut.map((item) => (
                  <li key={item}>{item}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <FormError message={error} />
    </div>
  );
}
