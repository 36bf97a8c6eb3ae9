"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { isTerminal, type Highlight, type Job } from "@/lib/api/types";
import { formatTime } from "@/lib/format";
import { useJob } from "@/lib/hooks/use-job";
import { JobProgress } from "@/components/projects/job-progress";
import { FormError } from "@/components/ui/form-error";
import { ThumbIcon } from "@/components/ui/thumb-icon";
import { MessageText } from "@/components/ui/message-text";

const FIELDS = [
  { name: "start", label: "From (s)", min: 0, step: "any", placeholder: "start" },
  { name: "end", label: "To (s)", min: 0, step: "any", placeholder: "end" },
  { name: "min_length", label: "Shortest (s)", min: 3, step: "any", placeholder: "15" },
  { name: "max_length", label: "Longest (s)", min: 3, step: "any", placeholder: "90" },
  { name: "max_count", label: "How many", min: 1, step: "1", placeholder: "10" },
];

type Props = {
  projectId: string;
  onPlay: (t: number) => void;
  /** Changes when a speaker is renamed: highlights show speaker names, so they are loaded again. */
  speakerNames: string;
};

export function HighlightsPanel({ projectId, onPlay, speakerNames }: Props) {
  const [items, setItems] = useState<Highlight[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [finding, setFinding] = useState<Job | null>(null);
  const job = useJob(finding?.id, finding);
  const reported = useRef<string | null>(null);
  const options = useRef<HTMLFormElement>(null);

  const load = useCallback(() => {
    unwrap(api.GET("/api/projects/{project_id}/highlights", { params: { path: { project_id: projectId } } }))
      .then((list) => {
        setItems(list.highlights);
        setNote(list.llm_note ?? null);
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [projectId]);

  useEffect(load, [load, speakerNames]);

  useEffect(() => {
    if (job && isTerminal(job) && reported.current !== job.id) {
      reported.current = job.id;
      load();
    }
  }, [job, load]);

  async function findMore() {
    setError(null);
    const form = options.current ? new FormData(options.current) : null;
    const num = (name: string) => {
      const raw = String(form?.get(name) ?? "").trim();
      return raw === "" ? undefined : Number(raw);
    };
    try {
      setFinding(
        await unwrap(
          api.POST("/api/projects/{project_id}/highlights", {
            params: { path: { project_id: projectId } },
            body: {
              start: num("start"),
              end: num("end"),
              min_length: num("min_length"),
              max_length: num("max_length"),
              max_count: num("max_count"),
            },
          }),
        ),
      );
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const searching = job !== null && !isTerminal(job);
  return (
    <div className="card stack">
      <div className="spread">
        <h2>Highlights</h2>
        <button type="button" onClick={findMore} disabled={searching}>
          {searching ? "Searching…" : "Find more"}
        </button>
      </div>
      <details>
        <summary className="small">Options for &ldquo;Find more&rdquo;</summary>
        <form
          ref={options}
          className="row"
          style={{ alignItems: "flex-end", marginTop: "0.5rem" }}
          onSubmit={(e) => e.preventDefault()}
        >
          {FIELDS.map((f) => (
            <div key={f.name} style={{ width: "7.5rem" }}>
              <label htmlFor={`find-${f.name}`} className="small">
                {f.label}
              </label>
              <input
                id={`find-${f.name}`}
                name={f.name}
                type="number"
                min={f.min}
                step={f.step}
                placeholder={f.placeholder}
              />
            </div>
          ))}
        </form>
      </details>
      {searching && job && <JobProgress job={job} />}
      {job?.status === "failed" && <FormError message={job.error} />}
      {note && (
        <p className="small muted" data-testid="llm-note">
          <MessageText message={note} />
        </p>
      )}
      <FormError message={error} />
      {items === null && !error && <p className="muted">Loading highlights…</p>}
      {items?.length === 0 && (
        <p className="muted">
          No highlights yet. Short recordings may have no moment long enough; try &ldquo;Find more&rdquo;, or make a
          clip by hand below.
        </p>
      )}
      {items && items.length > 0 && (
        <ol className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Highlights">
          {items.map((h) => (
            <HighlightCard
              key={h.id}
              highlight={h}
              onPlay={onPlay}
              onChanged={(next) => setItems((list) => list?.map((x) => (x.id === next.id ? next : x)) ?? null)}
            />
          ))}
        </ol>
      )}
    </div>
  );
}

type CardProps = { highlight: Highlight; onPlay: (t: number) => void; onChanged: (h: Highlight) => void };

function HighlightCard({ highlight: h, onPlay, onChanged }: CardProps) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function feedback(value: -1 | 0 | 1) {
    setError(null);
    try {
      onChanged(
        await unwrap(
          api.PUT("/api/highlights/{highlight_id}/feedback", {
            params: { path: { highlight_id: h.id } },
            body: { value },
          }),
        ),
      );
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function makeClip() {
    setBusy(true);
    setError(null);
    try {
      const clip = await unwrap(
        api.POST("/api/highlights/{highlight_id}/clip", { params: { path: { highlight_id: h.id } }, body: {} }),
      );
      router.push(`/clip/?id=${encodeURIComponent(clip.id)}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <li
      className="highlight-card stack"
      style={{ borderTop: "1px solid #eceef2", paddingTop: "0.75rem" }}
      data-testid="highlight"
    >
      <div className="spread">
        <h3>{h.title || `Highlight ${h.rank}`}</h3>
        <span className="score" title="Score out of 100">
          Score {Math.round(h.score)}
          <span className="muted small">/100</span>
        </span>
      </div>
      <p className="small muted">
        {formatTime(h.start)}–{formatTime(h.end)} · {Math.round(h.duration)} s
        {h.speakers.length ? ` · ${h.speakers.join(", ")}` : ""}
        {h.source === "llm" ? " · titled by the local AI" : ""}
      </p>
      {h.hook && <p>{h.hook}</p>}
      <p className="small">
        <strong>Why: </strong>
        {h.reason}
      </p>
      {h.hashtags.length > 0 && (
        <div className="tags" aria-label="Hashtags">
          {h.hashtags.map((t) => (
            <span key={t} className="tag">
              {t.startsWith("#") ? t : `#${t}`}
            </span>
          ))}
        </div>
      )}
      <div className="row">
        <button type="button" onClick={() => onPlay(h.start)} aria-label={`Play highlight: ${h.title}`}>
          ▶ Play
        </button>
        <button type="button" className="primary" onClick={makeClip} disabled={busy}>
          Make clip
        </button>
        <button
          type="button"
          aria-pressed={h.feedback === 1}
          aria-label="Good highlight"
          onClick={() => feedback(h.feedback === 1 ? 0 : 1)}
        >
          <ThumbIcon />
        </button>
        <button
          type="button"
          aria-pressed={h.feedback === -1}
          aria-label="Bad highlight"
          onClick={() => feedback(h.feedback === -1 ? 0 : -1)}
        >
          <ThumbIcon down />
        </button>
      </div>
      <FormError message={error} />
    </li>
  );
}
