"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { components } from "@/lib/api/schema";
import { formatTime } from "@/lib/format";
import { FormError } from "@/components/ui/form-error";
import { MessageText } from "@/components/ui/message-text";

type SearchResults = components["schemas"]["SearchResults"];
type SearchHit = components["schemas"]["SearchHitPublic"];

const MAX_QUERY = 200;

/** A clip title from a result: its first sentence, at most 70 characters, cut at a word. */
function titleOf(text: string): string {
  const first = text.split(/(?<=[.?!])\s+/)[0] ?? text;
  if (first.length <= 70) return first;
  const cut = first.slice(0, 69);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 20 ? cut.lastIndexOf(" ") : 69)}…`;
}

type Props = { projectId: string; onPlay: (t: number) => void };

/** "Find moments about …": semantic and keyword search of the transcript, each result one click from a clip. */
export function SearchPanel({ projectId, onPlay }: Props) {
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<SearchResults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function search(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      setFound(
        await unwrap(
          api.GET("/api/projects/{project_id}/search", {
            params: { path: { project_id: projectId }, query: { q: query, limit: 8 } },
          }),
        ),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card stack">
      <h2>Find moments</h2>
      <form className="row" onSubmit={search} role="search" aria-label="Find moments">
        <label htmlFor="moment-search" className="visually-hidden">
          Find moments about
        </label>
        <input
          id="moment-search"
          type="search"
          value={query}
          maxLength={MAX_QUERY}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Find moments about…"
          style={{ flex: 1 }}
        />
        <button type="submit" className="primary" disabled={busy || !query.trim()}>
          {busy ? "Searching…" : "Search"}
        </button>
      </form>
      <FormError message={error} />
      {found?.notes.map((note) => (
        <p key={note} className="small muted" data-testid="search-note">
          <MessageText message={note} />
        </p>
      ))}
      {found && found.results.length === 0 && (
        <p className="muted">Nothing about &ldquo;{found.query}&rdquo; was found. Try other words.</p>
      )}
      {found && found.results.length > 0 && (
        <ol className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Search results">
          {found.results.map((hit) => (
            <SearchResult key={`${hit.start}-${hit.end}`} projectId={projectId} hit={hit} onPlay={onPlay} />
          ))}
        </ol>
      )}
    </div>
  );
}

type ResultProps = { projectId: string; hit: SearchHit; onPlay: (t: number) => void };

function SearchResult({ projectId, hit, onPlay }: ResultProps) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function makeClip() {
    setBusy(true);
    setError(null);
    try {
      const clip = await unwrap(
        api.POST("/api/projects/{project_id}/clips", {
          params: { path: { project_id: projectId } },
          body: { start: hit.start, end: hit.end, title: titleOf(hit.text) },
        }),
      );
      router.push(`/clip/?id=${encodeURIComponent(clip.id)}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <li className="stack" style={{ borderTop: "1px solid #eceef2", paddingTop: "0.75rem" }} data-testid="search-result">
      <div className="spread">
        <span className="small muted">
          {formatTime(hit.start)}–{formatTime(hit.end)} · {Math.round(hit.end - hit.start)} s
          {hit.speakers.length ? ` · ${hit.speakers.join(", ")}` : ""}
        </span>
        <span className="score" title="Match out of 100">
          {Math.round(hit.score)}
          <span className="muted small">/100</span>
        </span>
      </div>
      <p>{hit.text}</p>
      <p className="small muted">{hit.why}</p>
      <div className="row">
        <button type="button" onClick={() => onPlay(hit.start)} aria-label={`Play from ${formatTime(hit.start)}`}>
          ▶ Play
        </button>
        <button type="button" className="primary" onClick={makeClip} disabled={busy}>
          Make clip
        </button>
      </div>
      <FormError message={error} />
    </li>
  );
}
