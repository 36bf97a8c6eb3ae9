"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { isTerminal, type Project } from "@/lib/api/types";
import { formatBytes, formatDate } from "@/lib/format";
import { MAX_STREAMS, useJob } from "@/lib/hooks/use-job";
import { FormError } from "@/components/ui/form-error";
import { StatusBadge } from "@/components/ui/status-badge";

import { JobProgress } from "./job-progress";

export function ProjectList() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    unwrap(api.GET("/api/projects", { params: { query: { limit: 200 } } }))
      .then((list) => setProjects(list.items))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  useEffect(load, [load]);

  return (
    <div className="stack">
      <div className="spread">
        <h1>Your projects</h1>
        <Link className="button primary" href="/new/">
          New project
        </Link>
      </div>
      <FormError message={error} />
      {projects === null && !error && <p className="muted">Loading projects…</p>}
      {projects?.length === 0 && <EmptyState />}
      {projects && projects.length > 0 && (
        <ul className="project-list" aria-label="Projects">
          {projects.map((p, i) => (
            <ProjectRow key={p.id} project={p} onFinished={load} poll={activeRank(projects, i) >= MAX_STREAMS} />
          ))}
        </ul>
      )}
    </div>
  );
}

function EmptyState() {
  return (
    <div className="card empty">
      <h2>No projects yet</h2>
      <p className="muted">A project is one long recording that you want to cut into short clips.</p>
      <ol>
        <li>Upload a podcast, video or recorded X Space (or paste a link).</li>
        <li>SpaceClip transcribes it on this machine and finds who spoke when.</li>
        <li>Pick a suggested highlight, trim it, choose a caption style, and export for each platform.</li>
      </ol>
      <div>
        <Link className="button primary" href="/new/">
          Upload your first recording
        </Link>
      </div>
    </div>
  );
}

/** Among the projects with a running job, the position of projects[i] (streams go to the first few). */
function activeRank(projects: Project[], i: number): number {
  return projects.slice(0, i).filter((p) => p.latest_job && !isTerminal(p.latest_job)).length;
}

type RowProps = { project: Project; onFinished: () => void; poll: boolean };

function ProjectRow({ project, onFinished, poll }: RowProps) {
  const initial = project.latest_job ?? null;
  const live = initial && !isTerminal(initial) ? initial.id : null;
  const job = useJob(live, initial, { poll });
  const reported = useRef(false);

  useEffect(() => {
    if (live && job && isTerminal(job) && !reported.current) {
      reported.current = true;
      onFinished();
    }
  }, [live, job, onFinished]);

  const busy = job !== null && !isTerminal(job);
  const status = busy ? "analyzing" : project.status;
  return (
    <li className="card" data-testid="project-row" style={{ gridTemplateColumns: "160px 1fr auto" }}>
      <ProjectThumb project={project} />
      <div>
        <h2>
          <Link href={`/project/?id=${encodeURIComponent(project.id)}`}>{project.name}</Link>
        </h2>
        <p className="muted small">
          {project.original_filename ?? project.source_url ?? ""}
          {project.size_bytes ? ` · ${formatBytes(project.size_bytes)}` : ""} · added {formatDate(project.created_at)}
        </p>
        {busy && job && <JobProgress job={job} />}
        {!busy && project.error && (
          <p className="small" style={{ color: "var(--danger)" }}>
            {project.error}
          </p>
        )}
      </div>
      <StatusBadge status={status} />
    </li>
  );
}

/** A frame of the project (audio only: its audiogram); nothing while the media is not checked yet. */
function ProjectThumb({ project }: { project: Project }) {
  const [failed, setFailed] = useState(false);
  if (!project.media_info || failed) return <div className="project-thumb" aria-hidden="true" style={THUMB} />;
  return (
    // eslint-disable-next-line @next/next/no-img-element -- an authenticated API image, made on first request
    <img
      className="project-thumb"
      src={apiUrl(`/api/projects/${encodeURIComponent(project.id)}/thumbnail`)}
      alt=""
      loading="lazy"
      width={160}
      height={90}
      style={THUMB}
      onError={() => setFailed(true)}
      data-testid="project-thumbnail"
    />
  );
}

const THUMB = {
  width: 160,
  height: 90,
  objectFit: "cover",
  borderRadius: 6,
  background: "#1f2937",
  flex: "none",
} as const;
