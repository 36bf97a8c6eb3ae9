"use client";

import { useCallback, useEffect, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { components } from "@/lib/api/schema";
import { isTerminal } from "@/lib/api/types";
import { formatTime } from "@/lib/format";
import { useJob } from "@/lib/hooks/use-job";
import { JobProgress } from "@/components/projects/job-progress";
import { FormError } from "@/components/ui/form-error";

type ChapterState = components["schemas"]["ChapterState"];
type ChapterEdit = components["schemas"]["ChapterEdit"];

const DOWNLOADS: { format: "youtube" | "podlove" | "json"; name: string }[] = [
  { format: "youtube", name: "YouTube block (.txt)" },
  { format: "podlove", name: "Podlove (.xml)" },
  { format: "json", name: "Podcasting 2.0 (.json)" },
];

type Props = { projectId: string; media: HTMLMediaElement | null; onSeek: (t: number) => void };

/** The episode's chapters: plan them, rename, move a start to the playhead, merge, copy and download. */
export function ChaptersPanel({ projectId, media, onSeek }: Props) {
  const [state, setState] = useState<ChapterState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = { project_id: projectId };

  const load = useCallback(() => {
    unwrap(api.GET("/api/projects/{project_id}/chapters", { params: { path: { project_id: projectId } } }))
      .then(setState)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [projectId]);
  useEffect(load, [load]);

  const latest = state?.job ?? null;
  const job = useJob(latest && !isTerminal(latest) ? latest.id : null, latest);
  const running = job !== null && !isTerminal(job);
  useEffect(() => {
    if (latest && !isTerminal(latest) && job && isTerminal(job)) load();
  }, [latest, job, load]);

  async function plan(replace: boolean) {
    setError(null);
    try {
      const started = await unwrap(
        api.POST("/api/projects/{project_id}/chapters/plan", { params: { path }, body: { use_llm: true, replace } }),
      );
      setState((prev) => (prev ? { ...prev, job: started } : prev));
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function edit(change: Omit<ChapterEdit, "version">) {
    if (!state?.version) return;
    setBusy(true);
    setError(null);
    try {
      const next = await unwrap(
        api.PATCH("/api/projects/{project_id}/chapters", {
          params: { path },
          body: { ...change, version: state.version },
        }),
      );
      setState(next);
    } catch (err) {
      setError(errorMessage(err));
      load();
    } finally {
      setBusy(false);
    }
  }

  async function copyBlock() {
    const res = await fetch(apiUrl(`/api/projects/${encodeURIComponent(projectId)}/chapters/download`), {
      credentials: "include",
    });
    await navigator.clipboard.writeText(await res.text());
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }

  const chapters = state?.chapters ?? null;
  return (
    <div className="card stack" data-testid="chapters">
      <div className="spread">
        <h2>Chapters</h2>
        {!running && (
          <button
            type="button"
            onClick={() =>
              state?.edited
                ? window.confirm("Planning again replaces your edits to the chapters. Go on?") && plan(true)
                : plan(false)
            }
          >
            {chapters ? "Plan again" : "Plan chapters"}
          </button>
        )}
      </div>
      {running && job && <JobProgress job={job} />}
      {!running && job?.status === "failed" && <FormError message={job.error || job.message} />}
      {!chapters && !running && (
        <p className="small muted">Chapters come from where the conversation changes topic. Plan them to begin.</p>
      )}
      {chapters && chapters.length === 0 && <p className="muted">This episode is too short for chapters.</p>}
      {chapters && chapters.length > 0 && (
        <ol className="stack" style={{ paddingLeft: "1.2em" }}>
          {chapters.map((c, i) => (
            <li key={`${i}-${c.start}`} className="stack" style={{ gap: 4 }}>
              <div className="row">
                <button type="button" className="link" onClick={() => onSeek(c.start)}>
                  {formatTime(c.start, 0)}
                </button>
                <ChapterTitle
                  key={c.title}
                  title={c.title}
                  index={i}
                  disabled={busy}
                  onRename={(title) => edit({ op: "rename", index: i, title })}
                />
              </div>
              {i > 0 && (
                <div className="row small">
                  <button
                    type="button"
                    disabled={busy || !media}
                    onClick={() => media && edit({ op: "move", index: i, to: media.currentTime })}
                  >
                    Start at the playhead
                  </button>
                  <button type="button" disabled={busy} onClick={() => edit({ op: "merge", index: i })}>
                    Merge into the one before
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {state && state.youtube_problems.length > 0 && (
        <div className="small" role="status">
          <p>Not yet valid YouTube chapters:</p>
          <ul>
            {state.youtube_problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {state?.llm_note && <p className="small muted">{state.llm_note}</p>}
      {chapters && chapters.length > 0 && (
        <div className="row">
          <button type="button" onClick={copyBlock}>
            {copied ? "Copied" : "Copy the YouTube block"}
          </button>
          {DOWNLOADS.map((d) => (
            <a
              key={d.format}
              className="button"
              href={apiUrl(`/api/projects/${encodeURIComponent(projectId)}/chapters/download`, { format: d.format })}
              download
            >
              {d.name}
            </a>
          ))}
        </div>
      )}
      <FormError message={error} />
    </div>
  );
}

function ChapterTitle({
  title,
  index,
  disabled,
  onRename,
}: {
  title: string;
  index: number;
  disabled: boolean;
  onRename: (title: string) => void;
}) {
  const [value, setValue] = useState(title);
  return (
    <input
      type="text"
      aria-label={`Chapter ${index + 1} title`}
      value={value}
      maxLength={100}
      disabled={disabled}
      onChange={(e) => setValue(e.target.value)}
      onBlur={() => value.trim() !== title && onRename(value)}
      onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
      style={{ flex: 1, width: "auto" }}
    />
  );
}
