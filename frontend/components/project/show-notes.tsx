"use client";

import { useState } from "react";

import { apiUrl } from "@/lib/api/client";
import { FormError } from "@/components/ui/form-error";

/** The episode's show notes: preview, copy, download as Markdown or text. */
export function ShowNotes({ projectId }: { projectId: string }) {
  const [text, setText] = useState<string | null>(null);
  const [source, setSource] = useState<string | null>(null);
  const [format, setFormat] = useState<"markdown" | "text">("markdown");
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = (query: Record<string, string>) =>
    apiUrl(`/api/projects/${encodeURIComponent(projectId)}/show-notes`, query);

  async function write() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(url({ format }), { credentials: "include" });
      const body = await res.text();
      if (!res.ok) {
        const detail = (() => {
          try {
            return (JSON.parse(body) as { detail?: string }).detail;
          } catch {
            return null;
          }
        })();
        throw new Error(detail || `The server answered ${res.status}. Try again in a moment.`);
      }
      setText(body);
      setSource(res.headers.get("X-SpaceClip-Summary"));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card stack" data-testid="show-notes">
      <h2>Show notes</h2>
      <p className="small muted">
        A summary, the speakers, chapters, key quotes with their times and links to the clips.
      </p>
      <div className="row">
        <label>
          Format{" "}
          <select value={format} onChange={(e) => setFormat(e.target.value as "markdown" | "text")}>
            <option value="markdown">Markdown</option>
            <option value="text">Plain text</option>
          </select>
        </label>
        <button type="button" onClick={write} disabled={busy}>
          {busy ? "Writing…" : text ? "Write again" : "Write show notes"}
        </button>
      </div>
      {text && (
        <>
          <p className="small muted">
            {source === "llm" ? "Summary written by the local AI." : "Summary taken from the episode's own words."}
          </p>
          <textarea readOnly value={text} rows={12} aria-label="Show notes" />
          <div className="row">
            <button
              type="button"
              onClick={async () => {
                await navigator.clipboard.writeText(text);
                setCopied(true);
                setTimeout(() => setCopied(false), 2000);
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <a className="button" href={url({ format, download: "true" })} download>
              Download
            </a>
          </div>
        </>
      )}
      <FormError message={error} />
    </div>
  );
}
