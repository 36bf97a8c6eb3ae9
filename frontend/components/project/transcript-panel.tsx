"use client";

import { memo, useEffect, useMemo, useRef } from "react";

import type { Segment } from "@/lib/api/types";
import { formatTime } from "@/lib/format";
import { useMediaTime, wordAt } from "@/lib/hooks/use-media-time";
import { FormError } from "@/components/ui/form-error";

import type { TranscriptState } from "./use-transcript";

type Props = { state: TranscriptState; media: HTMLMediaElement | null; onSeek: (t: number) => void };

export function TranscriptPanel({ state, media, onSeek }: Props) {
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
              return <SegmentRow key={seg.id} segment={seg} first={first} active={active} onSeek={onSeek} />;
            })}
          </div>
        </>
      )}
    </div>
  );
}

type RowProps = { segment: Segment; first: number; active: number; onSeek: (t: number) => void };

const SegmentRow = memo(function SegmentRow({ segment, first, active, onSeek }: RowProps) {
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
      <p style={{ margin: 0 }}>
        {segment.words.length === 0
          ? segment.text
          : segment.words.map((w, j) => (
              // Words are mouse shortcuts; the time button above is the keyboard way to seek.
              <span
                key={j}
                className="word"
                data-w={first + j}
                aria-current={active === first + j ? "true" : undefined}
                onClick={() => onSeek(w.start)}
              >
                {w.word.trim()}{" "}
              </span>
            ))}
      </p>
    </div>
  );
});
