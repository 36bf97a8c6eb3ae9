"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type DragEvent, type FormEvent, useEffect, useRef, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { useFormSubmit } from "@/lib/hooks/use-form-submit";
import { useHydrated } from "@/lib/hooks/use-hydrated";
import type { Job, Limits, Project } from "@/lib/api/types";
import { uploadMedia, type UploadHandle, type UploadProgress } from "@/lib/api/upload";
import { formatBytes } from "@/lib/format";
import { useJob } from "@/lib/hooks/use-job";
import { FormError } from "@/components/ui/form-error";
import { ProgressBar } from "@/components/ui/progress-bar";

import { JobProgress } from "./job-progress";

type Started = { project: Project; job: Job };

export function NewProject() {
  const [started, setStarted] = useState<Started | null>(null);
  return (
    <div className="stack" style={{ maxWidth: 760 }}>
      <h1>New project</h1>
      {started ? (
        <Analysis started={started} onAgain={() => setStarted(null)} />
      ) : (
        <>
          <UploadForm onStarted={setStarted} />
          <UrlForm onStarted={setStarted} />
        </>
      )}
    </div>
  );
}

function UploadForm({ onStarted }: { onStarted: (s: Started) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [limits, setLimits] = useState<Limits | null>(null);
  const limitsLoaded = useRef<Promise<Limits | null> | null>(null);
  const handle = useRef<UploadHandle | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => () => handle.current?.cancel(), []);
  useEffect(() => {
    // Without the limits the server still refuses an over-size file; this only saves sending it.
    const loading = unwrap(api.GET("/api/system/limits")).catch(() => null);
    limitsLoaded.current = loading;
    loading.then(setLimits);
  }, []);

  /** The server's own message when ``f`` is over its upload limit (a browser sees a reset, not the 413). */
  function overLimit(f: File, known: Limits | null): string | null {
    return known && f.size > known.max_upload_bytes ? known.upload_limit_message : null;
  }

  function choose(files: FileList | null) {
    const picked = files?.[0];
    if (picked) {
      setFile(picked);
      setError(null);
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      setError("Choose an audio or video file first.");
      return;
    }
    // Pressed before the limits arrived: wait for them rather than send a file the server refuses.
    const tooBig = overLimit(file, limits ?? (await limitsLoaded.current));
    if (tooBig) {
      setError(tooBig);
      return;
    }
    setError(null);
    setProgress({ loaded: 0, total: file.size });
    const h = uploadMedia(file, name, setProgress);
    handle.current = h;
    try {
      onStarted(await h.done);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      handle.current = null;
      setProgress(null);
    }
  }

  const uploading = progress !== null;
  // Derived, so a file picked before the limits arrived is checked as soon as they do.
  const shownError = error ?? (file ? overLimit(file, limits) : null);
  return (
    <form className="card stack" onSubmit={onSubmit} aria-labelledby="upload-title">
      <h2 id="upload-title">Upload a recording</h2>
      <div
        className="dropzone"
        data-active={dragging}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          <strong>Drop an audio or video file here</strong>
        </p>
        <p className="muted small">MP3, WAV, M4A, MP4, MOV, MKV, WebM… up to the server&apos;s upload limit.</p>
        <label htmlFor="file" className="button">
          Choose a file
        </label>
        <input
          ref={input}
          id="file"
          name="file"
          type="file"
          accept="audio/*,video/*"
          className="visually-hidden"
          onChange={(e) => choose(e.target.files)}
          disabled={uploading}
        />
        {file && (
          <p className="small" data-testid="chosen-file">
            {file.name} · {formatBytes(file.size)}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="project-name">Project name (optional)</label>
        <input id="project-name" type="text" maxLength={300} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      {uploading && progress && (
        <div className="stack">
          <ProgressBar value={progress.total ? progress.loaded / progress.total : 0} label="Upload" />
          <p className="small muted" aria-live="polite">
            Uploading {formatBytes(progress.loaded)} of {formatBytes(progress.total)}
          </p>
        </div>
      )}
      <FormError message={shownError} />
      <div className="row">
        <button type="submit" className="primary" disabled={uploading || !file || !hydrated}>
          Upload and analyze
        </button>
        {uploading && (
          <button type="button" className="danger" onClick={() => handle.current?.cancel()}>
            Cancel upload
          </button>
        )}
      </div>
    </form>
  );
}

function UrlForm({ onStarted }: { onStarted: (s: Started) => void }) {
  // onStarted swaps this form for the analysis view: it stays busy until then.
  const { onSubmit, error, busy, disabled } = useFormSubmit(
    async (form) => {
      // The route takes multipart uploads or this JSON body; the schema documents both.
      const created = await unwrap(
        api.POST("/api/projects", {
          body: { url: String(form.get("url") ?? "").trim() },
          headers: { "Content-Type": "application/json" },
        }),
      );
      onStarted(created);
    },
    { leaves: true },
  );

  return (
    <form className="card stack" onSubmit={onSubmit} aria-labelledby="url-title">
      <h2 id="url-title">…or paste a link</h2>
      <div className="field">
        <label htmlFor="url">YouTube, X Space or direct media link</label>
        <input id="url" name="url" type="url" placeholder="https://" required />
        <p className="hint">X Spaces need a signed-in cookies file on the server (SPACECLIP_COOKIES_FILE).</p>
      </div>
      <FormError message={error} />
      <div>
        <button type="submit" className="primary" disabled={disabled}>
          {busy ? "Checking the link…" : "Import"}
        </button>
      </div>
    </form>
  );
}

function Analysis({ started, onAgain }: { started: Started; onAgain: () => void }) {
  const router = useRouter();
  const job = useJob(started.job.id, started.job);
  const href = `/project/?id=${encodeURIComponent(started.project.id)}`;

  useEffect(() => {
    if (job?.status === "succeeded") router.push(href);
  }, [job?.status, href, router]);

  return (
    <div className="card stack" aria-labelledby="analysis-title">
      <h2 id="analysis-title">{started.project.name}</h2>
      {job && (job.status === "failed" || job.status === "cancelled") ? (
        <>
          <FormError message={job.error || "The analysis stopped."} />
          <div className="row">
            <button type="button" className="primary" onClick={onAgain}>
              Try another file
            </button>
            <Link href={href}>Open the project</Link>
          </div>
        </>
      ) : (
        <>
          <p className="muted">
            Analyzing: transcript, speakers and highlights. You can leave this page; it keeps running.
          </p>
          {job && <JobProgress job={job} />}
          <Link href={href}>Open the project</Link>
        </>
      )}
    </div>
  );
}
