"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { isTerminal, type Clip, type Export, type Job, type PlatformKey, type Preset } from "@/lib/api/types";
import { formatBytes, framing } from "@/lib/format";
import { MAX_STREAMS, useJob } from "@/lib/hooks/use-job";
import { JobProgress } from "@/components/projects/job-progress";
import { FormError } from "@/components/ui/form-error";
import { StatusBadge } from "@/components/ui/status-badge";

type Props = {
  clip: Clip;
  platforms: Preset[];
  hasVideo: boolean;
  audiogram: boolean;
  /** Saves unsaved edits first, so the export renders what the editor shows. */
  beforeExport: (() => Promise<Clip | null>) | null;
};

type Row = { export: Export; job: Job | null };

export function ExportsPanel({ clip, platforms, hasVideo, audiogram, beforeExport }: Props) {
  const [rows, setRows] = useState<Row[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState<string | null>(null);

  useEffect(() => {
    unwrap(api.GET("/api/clips/{clip_id}/exports", { params: { path: { clip_id: clip.id } } }))
      .then((list) => setRows(list.map((e) => ({ export: e, job: null }))))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [clip.id]);

  async function start(platform: PlatformKey) {
    setError(null);
    setStarting(platform);
    try {
      if (beforeExport && !(await beforeExport())) return;
      const created = await unwrap(
        api.POST("/api/clips/{clip_id}/exports", {
          params: { path: { clip_id: clip.id } },
          body: { platform, audiogram: hasVideo && audiogram },
        }),
      );
      setRows((r) => [{ export: created.export, job: created.job }, ...r]);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(null);
    }
  }

  const names = Object.fromEntries(platforms.map((p) => [p.key, p.name]));
  return (
    <div className="card stack">
      <h2>Export</h2>
      <p className="small muted">
        Each platform gets its own frame size, length limit and encoding; the file is checked against its rules.
      </p>
      <div className="button-grid" role="group" aria-label="Export for a platform">
        {platforms.map((p) => (
          <button
            key={p.key}
            type="button"
            onClick={() => start(p.key)}
            disabled={starting !== null}
            title={`${p.width}×${p.height}, up to ${Math.round(p.max_duration)} s`}
          >
            {starting === p.key ? "Starting…" : `Export for ${p.name}`}
          </button>
        ))}
      </div>
      <FormError message={error} />
      {rows.length > 0 && (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Exports">
          {rows.map((r, i) => (
            <ExportRow
              key={r.export.id}
              initial={r.export}
              job={r.job}
              name={names[r.export.platform] ?? r.export.platform}
              poll={rows.slice(0, i).filter((x) => !FINISHED.has(x.export.status)).length >= MAX_STREAMS}
              onDeleted={(id) => setRows((list) => list.filter((x) => x.export.id !== id))}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

const FINISHED: ReadonlySet<string> = new Set(["done", "failed"]);

type RowProps = { initial: Export; job: Job | null; name: string; poll: boolean; onDeleted: (id: string) => void };

function ExportRow({ initial, job: startJob, name, poll, onDeleted }: RowProps) {
  const [exp, setExp] = useState(initial);
  const active = !FINISHED.has(exp.status) && exp.job_id ? exp.job_id : null;
  const job = useJob(active, startJob, { poll });
  const refreshed = useRef<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setError(null);
    try {
      await unwrap(api.DELETE("/api/exports/{export_id}", { params: { path: { export_id: exp.id } } }));
      onDeleted(exp.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const refresh = useCallback(() => {
    unwrap(api.GET("/api/exports/{export_id}", { params: { path: { export_id: exp.id } } }))
      .then(setExp)
      .catch(() => undefined);
  }, [exp.id]);

  useEffect(() => {
    if (job && isTerminal(job) && refreshed.current !== job.id) {
      refreshed.current = job.id;
      refresh();
    }
  }, [job, refresh]);

  const download = (file: "video" | "srt" | "vtt" | "thumbnail") =>
    apiUrl(`/api/exports/${encodeURIComponent(exp.id)}/download`, { file });
  const running = job !== null && !isTerminal(job) && exp.status !== "done";
  const layout = framing(exp.settings.layout);
  return (
    <li
      className="stack"
      style={{ borderTop: "1px solid #eceef2", paddingTop: "0.75rem" }}
      data-testid="export"
      data-platform={exp.platform}
      data-status={exp.status}
    >
      <div className="spread">
        <h3>{name}</h3>
        <div className="row">
          <StatusBadge status={exp.status === "done" ? "succeeded" : exp.status} />
          {FINISHED.has(exp.status) && (
            <button
              type="button"
              className="link-button small"
              onClick={remove}
              aria-label={`Delete the ${name} export`}
            >
              Delete
            </button>
          )}
        </div>
      </div>
      <FormError message={error} />
      {running && job && <JobProgress job={job} />}
      {typeof exp.settings.font_note === "string" && (
        <p className="small muted" data-testid="font-note">
          {exp.settings.font_note}
        </p>
      )}
      {exp.status === "failed" && <FormError message={exp.error || job?.error || "The render failed."} />}
      {exp.status === "done" && (
        <>
          <p className="small muted">
            {formatBytes(exp.size_bytes)} · {exp.duration.toFixed(1)} s
            {layout && <span data-testid="framing"> · {layout}</span>}
          </p>
          {typeof exp.settings.layout_note === "string" && (
            <p className="small muted" data-testid="layout-note">
              {exp.settings.layout_note}
            </p>
          )}
          <div className="row">
            {exp.has_video && (
              <a className="button primary" href={download("video")} download data-testid="download-video">
                Download video
              </a>
            )}
            {exp.has_srt && (
              <a className="button" href={download("srt")} download>
                SRT
              </a>
            )}
            {exp.has_vtt && (
              <a className="button" href={download("vtt")} download>
                VTT
              </a>
            )}
            {exp.has_thumbnail && (
              <a className="button" href={download("thumbnail")} download>
                Thumbnail
              </a>
            )}
          </div>
        </>
      )}
      {exp.check && (
        <details open={!exp.check.passed}>
          <summary>
            Platform check:{" "}
            <span className={`badge ${exp.check.passed ? "badge-ok" : "badge-error"}`} data-testid="check-result">
              {exp.check.passed ? "passed" : "failed"}
            </span>
          </summary>
          <table className="check-table">
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col">Expected</th>
                <th scope="col">Actual</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {exp.check.items.map((item) => (
                <tr key={item.name}>
                  <td>{item.name}</td>
                  <td>{item.expected}</td>
                  <td>{item.actual}</td>
                  <td>{item.passed ? "✓ ok" : "✗ failed"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </li>
  );
}
