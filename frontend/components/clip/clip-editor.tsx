"use client";

import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type {
  AudiogramStyle,
  AudiogramStyleKey,
  CaptionStyleKey,
  Clip,
  Project,
  RenderOptions,
  Transcript,
  Waveform,
} from "@/lib/api/types";
import { seekMedia, useMediaTime } from "@/lib/hooks/use-media-time";
import { FormError } from "@/components/ui/form-error";
import { IdFromQuery } from "@/components/ui/id-from-query";

import { BrandCards, FontCoverageNote, useBrandKit } from "./brand-preview";
import { CutsPanel, type CutChanges } from "./cuts-panel";
import { EditorDownload } from "./editor-download";
import { ExportsPanel } from "./exports-panel";
import { PostText } from "./post-text";
import { PreviewFrame } from "./preview-frame";
import { type Look, LookControls, lookOf } from "./look-controls";
import { StylePicker } from "./style-picker";
import { WaveformTrim } from "./waveform-trim";

export function ClipEditor() {
  return <IdFromQuery missing="No clip chosen">{(id) => <ClipLoader key={id} id={id} />}</IdFromQuery>;
}

type Loaded = { clip: Clip; project: Project; transcript: Transcript };

function ClipLoader({ id }: { id: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    (async () => {
      const clip = await unwrap(api.GET("/api/clips/{clip_id}", { params: { path: { clip_id: id } } }));
      const path = { params: { path: { project_id: clip.project_id } } };
      const [project, transcript] = await Promise.all([
        unwrap(api.GET("/api/projects/{project_id}", path)),
        unwrap(api.GET("/api/projects/{project_id}/transcript", path)),
      ]);
      setLoaded({ clip, project, transcript });
    })().catch((err: unknown) => setError(errorMessage(err)));
  }, [id]);

  if (error) return <FormError message={error} />;
  if (!loaded) return <p className="muted">Loading clip…</p>;
  return <Editor {...loaded} />;
}

type Draft = {
  start: number;
  end: number;
  title: string;
  caption_style: CaptionStyleKey;
  audiogram_style: AudiogramStyleKey | "";
  speaker_colors: boolean;
  layout: Clip["layout"];
  look: Look;
};

const LAYOUTS: { key: Clip["layout"]; name: string; description: string }[] = [
  { key: "auto", name: "Auto", description: "Split screen while two people in a wide shot take turns." },
  { key: "single", name: "Single", description: "One crop that follows the speaker." },
  { key: "split", name: "Split screen", description: "Both people stacked all along (needs two faces)." },
];

function draftOf(clip: Clip): Draft {
  return {
    start: clip.start,
    end: clip.end,
    title: clip.title,
    caption_style: clip.caption_style,
    audiogram_style: clip.audiogram_style ?? "",
    speaker_colors: clip.speaker_colors,
    layout: clip.layout ?? "auto",
    look: lookOf(clip),
  };
}

function Editor({ clip: initial, project, transcript }: Loaded) {
  const options = useRenderOptions();
  const brand = useBrandKit();
  const [clip, setClip] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [media, setMedia] = useState<HTMLMediaElement | null>(null);
  const [previewPlatform, setPreviewPlatform] = useState("tiktok");
  const time = useMediaTime(media);

  const duration =
    transcript.duration || Number((project.media_info as { duration_s?: number } | null)?.duration_s ?? 0);
  const transcriptWords = useMemo(() => transcript.segments.flatMap((s) => s.words), [transcript]);
  const words = useMemo(() => transcriptWords.map((w) => ({ start: w.start, end: w.end })), [transcriptWords]);
  // The waveform shows the clip with some room on each side to extend it.
  const margin = Math.max(5, (initial.end - initial.start) * 0.35);
  const from = Math.max(0, initial.start - margin);
  const to = Math.min(duration || initial.end + margin, initial.end + margin);
  const waveform = useWaveform(project.id, from, to);
  const hasVideo = Boolean((project.media_info as { has_video?: boolean } | null)?.has_video);

  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(clip));

  // "Play the clip" stops at the clip's end; the player's own controls play freely.
  const clipPlayback = useRef(false);
  useEffect(() => {
    if (clipPlayback.current && media && !media.paused && time >= draft.end) {
      clipPlayback.current = false;
      media.pause();
    }
  }, [time, draft.end, media]);

  const save = useCallback(async (): Promise<Clip | null> => {
    setSaving(true);
    setError(null);
    setStatus(null);
    try {
      const next = await unwrap(
        api.PATCH("/api/clips/{clip_id}", {
          params: { path: { clip_id: clip.id } },
          body: {
            start: draft.start,
            end: draft.end,
            title: draft.title,
            caption_style: draft.caption_style,
            audiogram_style: draft.audiogram_style || null,
            speaker_colors: draft.speaker_colors,
            layout: draft.layout,
            ...draft.look,
            version: clip.version,
          },
        }),
      );
      setClip(next);
      setDraft(draftOf(next));
      setStatus("Saved.");
      return next;
    } catch (err) {
      setError(errorMessage(err));
      return null;
    } finally {
      setSaving(false);
    }
  }, [clip.id, clip.version, draft]);

  // Cut changes are saved at once (the rest of the draft stays as it is, to be saved with its button).
  const saveCuts = useCallback(
    async (changes: CutChanges) => {
      setSaving(true);
      setError(null);
      setStatus(null);
      try {
        const next = await unwrap(
          api.PATCH("/api/clips/{clip_id}", {
            params: { path: { clip_id: clip.id } },
            body: { ...changes, version: clip.version },
          }),
        );
        setClip(next);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setSaving(false);
      }
    },
    [clip.id, clip.version],
  );

  const playClip = () => {
    clipPlayback.current = true;
    seekMedia(media, draft.start);
  };

  const projectHref = `/project/?id=${encodeURIComponent(project.id)}`;
  return (
    <div className="stack">
      <p className="small">
        <Link href={projectHref}>← {project.name}</Link>
      </p>
      <div className="spread">
        <h1>Edit clip</h1>
        <div className="row">
          {dirty && <span className="badge badge-busy">unsaved changes</span>}
          <button type="button" className="primary" onClick={() => void save()} disabled={saving || !dirty}>
            {saving ? "Saving…" : "Save clip"}
          </button>
        </div>
      </div>
      <FormError message={error} />
      {status && !dirty && (
        <p className="small muted" role="status">
          {status}
        </p>
      )}
      <div className="project-layout">
        <section className="stack" aria-label="Trim and style">
          <div className="card stack">
            <div className="field">
              <label htmlFor="clip-title">Title</label>
              <input
                id="clip-title"
                type="text"
                maxLength={300}
                value={draft.title}
                onChange={(e) => setDraft({ ...draft, title: e.target.value })}
              />
            </div>
            <h2>Trim</h2>
            {waveform.error && <FormError message={waveform.error} />}
            {waveform.data ? (
              <WaveformTrim
                peaks={waveform.data.peaks}
                from={waveform.data.start}
                to={waveform.data.end}
                start={draft.start}
                end={draft.end}
                words={words}
                playhead={media && time >= from && time <= to ? time : null}
                onChange={(start, end) => setDraft({ ...draft, start, end })}
              />
            ) : (
              !waveform.error && <p className="muted">Loading waveform…</p>
            )}
            <div className="row">
              <button type="button" onClick={playClip}>
                ▶ Play the clip
              </button>
              <audio
                ref={hasVideo ? undefined : setMedia}
                src={hasVideo ? undefined : apiUrl(`/api/projects/${encodeURIComponent(project.id)}/media`)}
                preload="metadata"
                controls
                aria-label="Clip audio"
                hidden={hasVideo}
              />
            </div>
            {hasVideo && (
              <video
                ref={setMedia}
                className="player"
                src={apiUrl(`/api/projects/${encodeURIComponent(project.id)}/media`)}
                preload="metadata"
                controls
                aria-label="Source video"
                style={{ maxHeight: 280 }}
              />
            )}
          </div>
          <CutsPanel
            key={clip.version}
            clip={clip}
            words={transcriptWords}
            busy={saving}
            onChange={(c) => void saveCuts(c)}
          />
          <div className="card stack">
            {options.error && <FormError message={options.error} />}
            {options.data && (
              <>
                <StylePicker
                  legend="Caption style"
                  name="caption_style"
                  styles={options.data.caption_styles}
                  value={draft.caption_style}
                  onChange={(caption_style) => setDraft({ ...draft, caption_style })}
                />
                <StylePicker
                  legend={hasVideo ? "Audiogram style (instead of the video picture)" : "Audiogram style"}
                  name="audiogram_style"
                  styles={
                    hasVideo
                      ? [
                          {
                            key: "",
                            name: "None: use the video",
                            description: "Reframe the video to the platform's frame.",
                          },
                          ...options.data.audiogram_styles,
                        ]
                      : options.data.audiogram_styles
                  }
                  // Audio-only recordings always get an audiogram: the server's default is "bars".
                  value={draft.audiogram_style || (hasVideo ? "" : defaultAudiogram(options.data.audiogram_styles))}
                  onChange={(audiogram_style) => setDraft({ ...draft, audiogram_style })}
                />
                <label className="row" style={{ fontWeight: 500 }}>
                  <input
                    type="checkbox"
                    checked={draft.speaker_colors}
                    onChange={(e) => setDraft({ ...draft, speaker_colors: e.target.checked })}
                  />
                  Colour captions by speaker
                </label>
                <LookControls
                  look={draft.look}
                  audiogram={!hasVideo || Boolean(draft.audiogram_style)}
                  onChange={(look) => setDraft({ ...draft, look })}
                  unsaved={JSON.stringify(draft.look) !== JSON.stringify(lookOf(clip))}
                />
                {hasVideo && (
                  <StylePicker
                    legend="Layout (9:16 of a wide shot)"
                    name="layout"
                    styles={LAYOUTS}
                    value={draft.layout}
                    onChange={(layout) => setDraft({ ...draft, layout })}
                  />
                )}
              </>
            )}
          </div>
        </section>
        <section className="stack" aria-label="Preview and export">
          {options.data && (
            <>
              <PreviewFrame
                clipId={clip.id}
                clipVersion={clip.version}
                platforms={options.data.platforms}
                platform={previewPlatform}
                onPlatform={setPreviewPlatform}
                captionStyle={draft.caption_style}
                audiogramStyle={draft.audiogram_style}
              />
              <BrandCards kit={brand} platform={previewPlatform} platforms={options.data.platforms} />
              <FontCoverageNote projectId={project.id} kit={brand} />
              <ExportsPanel
                clip={clip}
                platforms={options.data.platforms}
                hasVideo={hasVideo}
                audiogram={Boolean(draft.audiogram_style)}
                beforeExport={dirty ? save : null}
              />
              <EditorDownload clipId={clip.id} />
              <PostText clipId={clip.id} version={clip.version} />
            </>
          )}
          {options.error && (
            <div className="card stack">
              <h2>Preview and export</h2>
              <FormError message={options.error} />
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function useWaveform(projectId: string, start: number, end: number): { data: Waveform | null; error: string | null } {
  const [data, setData] = useState<Waveform | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    unwrap(
      api.GET("/api/projects/{project_id}/waveform", {
        params: { path: { project_id: projectId }, query: { start, end, points: 400 } },
      }),
    )
      .then(setData)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [projectId, start, end]);
  return { data, error };
}

function defaultAudiogram(styles: AudiogramStyle[]): AudiogramStyleKey | "" {
  return (styles.find((s) => s.key === "bars") ?? styles[0])?.key ?? "";
}

function useRenderOptions(): { data: RenderOptions | null; error: string | null } {
  const [data, setData] = useState<RenderOptions | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    unwrap(api.GET("/api/render/options"))
      .then(setData)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);
  return { data, error };
}
