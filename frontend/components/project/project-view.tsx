"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { isTerminal, type Job, type Project } from "@/lib/api/types";
import { useJob } from "@/lib/hooks/use-job";
import { seekMedia } from "@/lib/hooks/use-media-time";
import { JobProgress } from "@/components/projects/job-progress";
import { FormError } from "@/components/ui/form-error";
import { IdFromQuery } from "@/components/ui/id-from-query";
import { StatusBadge } from "@/components/ui/status-badge";
import { EditorDownload } from "@/components/clip/editor-download";

import { ChaptersPanel } from "./chapters-panel";
import { CleanPanel } from "./clean-panel";
import { ClipsPanel } from "./clips-panel";
import { ExportsGallery } from "./exports-gallery";
import { HighlightLane } from "./highlight-lane";
import { HighlightsPanel } from "./highlights-panel";
import { LanguagePicker } from "./language-picker";
import { ProjectHeader } from "./project-header";
import { SearchPanel } from "./search-panel";
import { ShowNotes } from "./show-notes";
import { SpeakersPanel } from "./speakers-panel";
import { TranscriptPanel } from "./transcript-panel";
import { useTranscript } from "./use-transcript";

export function ProjectView() {
  return <IdFromQuery missing="No project chosen">{(id) => <ProjectLoader key={id} id={id} />}</IdFromQuery>;
}

function ProjectLoader({ id }: { id: string }) {
  const [project, setProject] = useState<Project | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    unwrap(api.GET("/api/projects/{project_id}", { params: { path: { project_id: id } } }))
      .then(setProject)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [id]);

  useEffect(load, [load]);

  if (error) return <FormError message={error} />;
  if (!project) return <p className="muted">Loading project…</p>;
  if (project.status !== "ready") return <PendingProject project={project} onChange={load} />;
  return <Workspace project={project} onChange={load} />;
}

function PendingProject({ project, onChange }: { project: Project; onChange: () => void }) {
  const [latest, setLatest] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reported = useRef(false);

  useEffect(() => {
    unwrap(api.GET("/api/projects/{project_id}/jobs", { params: { path: { project_id: project.id } } }))
      .then((jobs) => setLatest(jobs[0] ?? null))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [project.id]);

  const job = useJob(latest && !isTerminal(latest) ? latest.id : null, latest);

  useEffect(() => {
    if (latest && !isTerminal(latest) && job && isTerminal(job) && !reported.current) {
      reported.current = true;
      onChange();
    }
  }, [latest, job, onChange]);

  async function analyze() {
    setError(null);
    try {
      const started = await unwrap(
        api.POST("/api/projects/{project_id}/analyze", { params: { path: { project_id: project.id } }, body: {} }),
      );
      reported.current = false;
      setLatest(started);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const running = job !== null && !isTerminal(job);
  return (
    <div className="card stack">
      <div className="spread">
        <h1>{project.name}</h1>
        <StatusBadge status={running ? "analyzing" : project.status} />
      </div>
      {running && job && <JobProgress job={job} />}
      {!running && (project.error || job?.error) && <FormError message={project.error || job?.error} />}
      {!running && <LanguagePicker project={project} onSaved={onChange} />}
      {!running && (
        <div>
          <button type="button" className="primary" onClick={analyze}>
            {project.status === "failed" ? "Retry the analysis" : "Analyze"}
          </button>
        </div>
      )}
      <FormError message={error} />
    </div>
  );
}

function Workspace({ project, onChange }: { project: Project; onChange: () => void }) {
  const [media, setMedia] = useState<HTMLMediaElement | null>(null);
  const transcript = useTranscript(project.id);
  const info = project.media_info as { has_video?: boolean; duration_s?: number } | null;
  const hasVideo = Boolean(info?.has_video);
  const src = apiUrl(`/api/projects/${encodeURIComponent(project.id)}/media`);

  const seek = useCallback((t: number) => seekMedia(media, t), [media]);

  return (
    <div className="stack">
      <ProjectHeader project={project} onAnalyzed={onChange} />
      <div className="project-layout">
        <section className="stack" aria-label="Player and transcript">
          <div className="card">
            {hasVideo ? (
              <video
                ref={setMedia}
                className="player"
                src={src}
                controls
                preload="metadata"
                aria-label="Source video"
              />
            ) : (
              <audio
                ref={setMedia}
                className="player"
                src={src}
                controls
                preload="metadata"
                aria-label="Source audio"
              />
            )}
          </div>
          <HighlightLane projectId={project.id} duration={info?.duration_s ?? 0} media={media} />
          <TranscriptPanel projectId={project.id} state={transcript} media={media} onSeek={seek} />
        </section>
        <section className="stack" aria-label="Speakers, highlights and clips">
          {transcript.data && (
            <SpeakersPanel projectId={project.id} speakers={transcript.data.speakers} onRenamed={transcript.reload} />
          )}
          <SearchPanel projectId={project.id} onPlay={seek} />
          <HighlightsPanel
            projectId={project.id}
            onPlay={seek}
            speakerNames={transcript.data?.speakers.map((s) => s.display_name).join("\n") ?? ""}
          />
          <ClipsPanel projectId={project.id} media={media} />
          <ExportsGallery projectId={project.id} />
          <EditorDownload projectId={project.id} />
          <ChaptersPanel projectId={project.id} media={media} onSeek={seek} />
          <ShowNotes projectId={project.id} />
          <CleanPanel projectId={project.id} />
        </section>
      </div>
    </div>
  );
}
