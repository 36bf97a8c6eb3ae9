"use client";

import { type FormEvent, memo, useEffect, useMemo, useRef, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Segment } from "@/lib/api/types";
import { formatTime } from "@/lib/format";
import { useMediaTime, wordAt } from "@/lib/hooks/use-media-time";
import { FormError } from "@/components/ui/form-error";

import type { TranscriptState } from "./use-transcript";

type Props = {
  projectId: string;
  state: TranscriptState;
  media: HTMLMediaElement | null;
  onSeek: (t: number) => void;
};

export function TranscriptPanel({ projectId, state, media, onSeek }: Props) {
  const time = useMediaTime(media);
  const segments = useMemo(() => state.data?.segments ?? [], [state.data]);
  // Words of all segments in one list; firstWord[i] is the index of segment i's first word.
  const index = useMemo(() => {
    const starts: number[] = [];
    const ends: number[] = [];
    const firstWord: number[] = [];
    for (const seg of segments) {
      firstWord.push(starts.length);
      for (const w of seg.words) {
        starts.push(w.start);
        ends.push(w.end);
      }
    }
    return { starts, ends, firstWord };
  }, [segments]);
  const current = wordAt(index.starts, index.ends, time);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (current < 0 || !media || media.paused) return;
    const el = box.current?.querySelector<HTMLElement>(`[data-w="${current}"]`);
    el?.scrollIntoView({ block: "nearest" });
  }, [current, media]);

  return (
    <div className="card stack">
      <h2>Transcript</h2>
      <FormError message={state.error} />
      {!state.data && !state.error && <p className="muted">Loading transcript…</p>}
      {state.data && segments.length === 0 && <p className="muted">No speech was found in this recording.</p>}
      {segments.length > 0 && (
        <>
          <p className="muted small">
            Click a word (or a time) to play from there; the word being spoken is highlighted.
          </p>
          <div className="transcript" ref={box} data-testid="transcript">
            {segments.map((seg, i) => {
              const first = index.firstWord[i] ?? 0;
              const active = current >= first && current < first + seg.words.length ? current : -1;
              return (
                <SegmentRow
                  key={seg.id}
                  projectId={projectId}
                  segment={seg}
                  first={first}
                  active={active}
                  onSeek={onSeek}
                  onEdited={state.reload}
                />
              );
            })}
          </div>
        </>
      )}
    </div>
  );
}

type RowProps = {
  projectId: string;
  segment: Segment;
  first: number;
  active: number;
  onSeek: (t: number) => void;
  onEdited: () => void;
};

const SegmentRow = memo(function SegmentRow({ projectId, segment, first, active, onSeek, onEdited }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldId = `segment-${segment.id}`;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get("text") ?? "").trim();
    setError(null);
    try {
      await unwrap(
        api.PATCH("/api/projects/{project_id}/segments/{segment_id}", {
          params: { path: { project_id: projectId, segment_id: segment.id } },
          body: { text, version: segment.version },
        }),
      );
      setEditing(false);
      onEdited();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="segment">
      <div>
        <div className="who">{segment.speaker_name}</div>
        <button
          type="button"
          className="link-button when"
          onClick={() => onSeek(segment.start)}
          aria-label={`Play from ${formatTime(segment.start)} (${segment.speaker_name})`}
        >
          {formatTime(segment.start)}
        </button>
      </div>
      {editing ? (
        <form className="stack" onSubmit={save}>
          <label htmlFor={fieldId} className="visually-hidden">
            Text of the segment at {formatTime(segment.start)}
          </label>
          <textarea id={fieldId} name="text" defaultValue={segment.text} rows={3} maxLength={10_000} required />
          <div className="row">
            <button type="submit" className="primary">
              Save text
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <span className="small muted">Word times are fitted to the corrected text.</span>
          </div>
          <FormError message={error} />
        </form>
      ) : (
        <p style={{ margin: 0 }}>
          {segment.words.length === 0
            ? segment.text
            : segment.words.map((w, j) => (
                // Words are mouse shortcuts; the time button is the keyboard way to seek.
                <span
                  key={j}
                  className="word"
                  data-w={first + j}
                  aria-current={active === first + j ? "true" : undefined}
                  onClick={() => onSeek(w.start)}
                >
                  {w.word.trim()}{" "}
                </span>
              ))}{" "}
          <button
            type="button"
            className="link-button small"
            onClick={() => setEditing(true)}
            aria-label={`Correct the text at ${formatTime(segment.start)}`}
          >
            Edit
          </button>
          {segment.edited && <span className="small muted"> (corrected)</span>}
        </p>
      )}
    </div>
  );
});
