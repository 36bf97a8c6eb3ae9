"use client";

import type { KeyboardEvent, PointerEvent } from "react";

import { formatTime } from "@/lib/format";
import { type Edge, snapEnd, snapStart, stepEdge } from "@/lib/snap";

type Props = {
  peaks: number[];
  from: number;
  to: number;
  start: number;
  end: number;
  words: Edge[];
  playhead: number | null;
  onChange: (start: number, end: number) => void;
};

const HANDLES = [
  ["start", "Clip start"],
  ["end", "Clip end"],
] as const;

/** The clip region's waveform with two trim handles (drag, or arrow keys: previous/next word). */
export function WaveformTrim({ peaks, from, to, start, end, words, playhead, onChange }: Props) {
  const span = Math.max(to - from, 0.001);
  const pct = (t: number) => `${((Math.min(Math.max(t, from), to) - from) / span) * 100}%`;

  function timeAt(handle: HTMLElement, clientX: number): number {
    const rect = handle.parentElement?.getBoundingClientRect();
    if (!rect || rect.width === 0) return from;
    return from + Math.min(Math.max((clientX - rect.left) / rect.width, 0), 1) * span;
  }

  function drag(which: "start" | "end") {
    return {
      onPointerDown(e: PointerEvent<HTMLButtonElement>) {
        e.currentTarget.setPointerCapture(e.pointerId);
      },
      onPointerMove(e: PointerEvent<HTMLButtonElement>) {
        if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
        const t = timeAt(e.currentTarget, e.clientX);
        if (which === "start") onChange(snapStart(words, t, end), end);
        else onChange(start, snapEnd(words, t, start));
      },
    };
  }

  function keys(which: "start" | "end") {
    return (e: KeyboardEvent<HTMLButtonElement>) => {
      const dir =
        e.key === "ArrowLeft" || e.key === "ArrowDown" ? -1 : e.key === "ArrowRight" || e.key === "ArrowUp" ? 1 : 0;
      if (!dir) return;
      e.preventDefault();
      if (which === "start") {
        const next = stepEdge(
          words.map((w) => w.start),
          start,
          dir,
        );
        if (next < end) onChange(next, end);
      } else {
        const next = stepEdge(
          words.map((w) => w.end),
          end,
          dir,
        );
        if (next > start) onChange(start, next);
      }
    };
  }

  const barWidth = 100 / Math.max(peaks.length, 1);
  return (
    <div className="stack">
      <div className="waveform" data-testid="waveform">
        <svg viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
          {peaks.map((p, i) => {
            const h = Math.max(p * 96, 0.8);
            return <rect key={i} x={i * barWidth} y={50 - h / 2} width={barWidth * 0.8} height={h} fill="#a5b4fc" />;
          })}
        </svg>
        <div className="selection" style={{ left: pct(start), width: `calc(${pct(end)} - ${pct(start)})` }} />
        {playhead !== null && <div className="playhead" style={{ left: pct(playhead) }} />}
        {HANDLES.map(([which, label]) => {
          const at = which === "start" ? start : end;
          return (
            <button
              key={which}
              type="button"
              className="handle"
              role="slider"
              aria-label={label}
              aria-valuemin={from}
              aria-valuemax={to}
              aria-valuenow={at}
              aria-valuetext={formatTime(at)}
              style={{ left: pct(at) }}
              onKeyDown={keys(which)}
              {...drag(which)}
            />
          );
        })}
      </div>
      <p className="small muted">
        Drag the handles, or focus one and use the arrow keys: they move to the previous or next word. Start{" "}
        <strong>{formatTime(start)}</strong>, end <strong>{formatTime(end)}</strong>, length{" "}
        <strong>{(end - start).toFixed(1)} s</strong>.
      </p>
    </div>
  );
}
