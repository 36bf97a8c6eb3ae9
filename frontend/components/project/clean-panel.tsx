"use client";

import { useCallback, useEffect, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { components } from "@/lib/api/schema";
import { isTerminal } from "@/lib/api/types";
import { useJob } from "@/lib/hooks/use-job";
import { JobProgress } from "@/components/projects/job-progress";
import { FormError } from "@/components/ui/form-error";
import { SecondsInput } from "@/components/ui/seconds-input";

type CleanState = components["schemas"]["CleanState"];
type CleanFile = components["schemas"]["CleanFileKind"];

const FILES: { key: CleanFile; name: string }[] = [
  { key: "media", name: "Cleaned episode" },
  { key: "otio", name: "Cut list (.otio)" },
  { key: "srt", name: "Subtitles (.srt)" },
  { key: "vtt", name: "Subtitles (.vtt)" },
];

function seconds(value: number): string {
  const m = Math.floor(value / 60);
  const s = Math.round(value - m * 60);
  return m > 0 ? `${m} min ${s} s` : `${value.toFixed(1)} s`;
}

/** Clean the whole episode (fillers and long pauses out) as a job, and download what it wrote. */
export function CleanPanel({ projectId }: { projectId: string }) {
  const [state, setState] = useState<CleanState | null>(null);
  const [fillers, setFillers] = useState(true);
  const [pauses, setPauses] = useState(true);
  const [over, setOver] = useState("0.6");
  const [to, setTo] = useState("0.3");
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const load = useCallback(() => {
    unwrap(api.GET("/api/projects/{project_id}/clean", { params: { path: { project_id: projectId } } }))
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

  async function start() {
    setError(null);
    setStarting(true);
    try {
      const started = await unwrap(
        api.POST("/api/projects/{project_id}/clean", {
          params: { path: { project_id: projectId } },
          body: {
            remove_fillers: fillers,
            shorten_pauses: pauses,
            pause_over_s: Number(over),
            pause_to_s: Number(to),
          },
        }),
      );
      setState((prev) => ({ job: started, result: prev?.result ?? null }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  }

  const result = state?.result ?? null;
  const failed = job && job.status === "failed" ? job.error || job.message : null;
  return (
    <div className="card stack" data-testid="clean">
      <h2>Clean the whole episode</h2>
      <p className="small muted">
        The full recording without its filler words and long pauses, with the cut list for an editor and subtitles
        re-timed to match. Chapters in the file move with the cuts.
      </p>
      <div className="row small">
        <label className="row">
          <input type="checkbox" checked={fillers} onChange={(e) => setFillers(e.target.checked)} disabled={running} />
          Remove filler words
        </label>
        <label className="row">
          <input type="checkbox" checked={pauses} onChange={(e) => setPauses(e.target.checked)} disabled={running} />
          Shorten pauses over
        </label>
        <SecondsInput
          label="Clean pauses over (s)"
          min={0.1}
          max={30}
          value={over}
          onChange={setOver}
          disabled={running || !pauses}
        />
        s to
        <SecondsInput
          label="Clean pauses to (s)"
          min={0}
          max={10}
          value={to}
          onChange={setTo}
          disabled={running || !pauses}
        />
        s
      </div>
      <p className="small muted">
        Filler words are cut where the transcript marks them; analyse with the filler prompt on
        (SPACECLIP_FILLER_PROMPT=true) for Whisper to write more of them down.
      </p>
      {running && job ? (
        <JobProgress job={job} />
      ) : (
        <div>
          <button type="button" className="primary" onClick={start} disabled={starting}>
            {result ? "Clean again" : "Clean the episode"}
          </button>
        </div>
      )}
      {!running && failed && <FormError message={failed} />}
      {result && (
        <div className="stack small" data-testid="clean-result">
          <p>
            {seconds(result.duration_before)} → <strong>{seconds(result.duration_after)}</strong>: {result.cuts} cuts
            {Object.entries(result.removed_s)
              .map(([reason, s]) => ` · ${reason} ${s.toFixed(1)} s`)
              .join("")}
            {result.chapters > 0 && ` · ${result.chapters} chapters kept`}
          </p>
          <div className="row">
            {FILES.filter((f) => result.files.includes(f.key)).map((f) => (
              <a
                key={f.key}
                className={f.key === "media" ? "button primary" : "button"}
                href={apiUrl(`/api/projects/${encodeURIComponent(projectId)}/clean/download`, { file: f.key })}
                download
              >
                {f.name}
              </a>
            ))}
          </div>
        </div>
      )}
      <FormError message={error} />
    </div>
  );
}
