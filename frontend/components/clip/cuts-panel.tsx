"use client";

import { useEffect, useMemo, useRef, useState } from "react";

import type { Clip, Word } from "@/lib/api/types";
import { SecondsInput } from "@/components/ui/seconds-input";
import {
  cutOfWord,
  pauseMarkers,
  restorePause,
  restoreWord,
  strikeWords,
  wordsInClip,
  type CutRanges,
  type PauseMarker,
} from "@/lib/cuts";

/** The cut fields of a clip update (the rest of the clip is left as it is). */
export type CutChanges = {
  remove_fillers?: boolean | null;
  shorten_pauses?: boolean | null;
  pause_over_s?: number;
  pause_to_s?: number;
  removed?: { start: number; end: number }[];
  restored?: { start: number; end: number }[];
};

type Props = {
  clip: Clip;
  words: Word[];
  busy: boolean;
  onChange: (changes: CutChanges) => void;
};

const REASONS = { filler: "filler word", pause: "pause", removed: "struck" } as const;

/**
 * The clip's cuts: filler and pause switches, and its words to strike (select, then "Strike") or
 * restore (click a struck word or a shortened pause). Each change is saved at once; give it
 * `key={clip.version}` so that a saved change starts from the new clip (no selection left).
 */
export function CutsPanel({ clip, words: allWords, busy, onChange }: Props) {
  const words = useMemo(() => wordsInClip(allWords, clip.start, clip.end), [allWords, clip.start, clip.end]);
  const cuts = clip.cuts.cuts;
  const [selection, setSelection] = useState<[number, number] | null>(null);
  const dragging = useRef(false);
  const [over, setOver] = useState(String(clip.pause_over_s));
  const [to, setTo] = useState(String(clip.pause_to_s));
  useEffect(() => {
    const up = () => {
      dragging.current = false;
    };
    window.addEventListener("mouseup", up);
    return () => window.removeEventListener("mouseup", up);
  }, []);

  const ranges: CutRanges = { removed: clip.removed, restored: clip.restored };
  const markers = pauseMarkers(cuts, words, clip.start, clip.end);
  const markersAfter = new Map<number, PauseMarker[]>();
  for (const m of markers) markersAfter.set(m.after, [...(markersAfter.get(m.after) ?? []), m]);
  const [lo, hi] = selection ? [Math.min(...selection), Math.max(...selection)] : [-1, -2];
  const platformDefault = clip.platform ? "the platform's default" : "the default";
  const pausesChanged = Number(over) !== clip.pause_over_s || Number(to) !== clip.pause_to_s;

  const strike = () => {
    if (!selection) return;
    onChange({ removed: strikeWords(clip.removed, words, selection[0], selection[1], clip.start, clip.end) });
  };

  const pauseButton = (m: PauseMarker) => (
    <button
      key={`pause-${m.cut.start}`}
      type="button"
      className="pause-marker"
      data-testid="pause-marker"
      disabled={busy}
      title="Shortened pause: click to keep it whole"
      onClick={() => onChange(restorePause(ranges, m.cut, clip.start, clip.end))}
    >
      ⏸ {m.pause.toFixed(1)} s → {m.kept.toFixed(1)} s
    </button>
  );

  return (
    <div className="card stack" data-testid="cuts">
      <h2>Cuts</h2>
      <label className="row" style={{ fontWeight: 500 }}>
        <input
          type="checkbox"
          checked={clip.cuts.remove_fillers}
          disabled={busy}
          onChange={(e) => onChange({ remove_fillers: e.target.checked })}
        />
        Remove filler words
        {clip.remove_fillers === null && <span className="small muted">({platformDefault})</span>}
      </label>
      <div className="row" style={{ flexWrap: "wrap" }}>
        <label className="row" style={{ fontWeight: 500 }}>
          <input
            type="checkbox"
            checked={clip.cuts.shorten_pauses}
            disabled={busy}
            onChange={(e) => onChange({ shorten_pauses: e.target.checked })}
          />
          Shorten pauses
        </label>
        <label className="row small" style={{ fontWeight: 400 }}>
          over
          <SecondsInput label="Shorten pauses over (s)" min={0.1} value={over} onChange={setOver} />
          s to
          <SecondsInput label="Shorten pauses to (s)" min={0} value={to} onChange={setTo} />s
        </label>
        {pausesChanged && (
          <button
            type="button"
            disabled={busy}
            onClick={() => onChange({ pause_over_s: Number(over), pause_to_s: Number(to) })}
          >
            Apply
          </button>
        )}
        {clip.shorten_pauses === null && <span className="small muted">({platformDefault})</span>}
      </div>
      <p className="small" data-testid="cut-length">
        Length after cuts: <strong>{clip.cuts.duration.toFixed(1)} s</strong> of {clip.duration.toFixed(1)} s (
        {cuts.length} {cuts.length === 1 ? "cut" : "cuts"})
      </p>
      {clip.cuts.notice && (
        <p className="alert alert-error" role="alert" data-testid="cut-notice">
          {clip.cuts.notice}
        </p>
      )}
      <p className="small muted">
        Select words (drag, or click one and shift-click another), then strike them. Click a struck word or a shortened
        pause to bring it back.
      </p>
      <div className="row">
        <button type="button" onClick={strike} disabled={busy || !selection}>
          Strike selected words
        </button>
        {selection && (
          <button type="button" onClick={() => setSelection(null)} disabled={busy}>
            Clear selection
          </button>
        )}
      </div>
      <div
        className="cut-words"
        data-testid="cut-words"
        onKeyDown={(e) => {
          if ((e.key === "Delete" || e.key === "Backspace") && selection) {
            e.preventDefault();
            strike();
          }
        }}
      >
        {markersAfter.get(-1)?.map(pauseButton)}
        {words.map((w, i) => {
          const cut = cutOfWord(cuts, w);
          const selected = i >= lo && i <= hi;
          return (
            <span key={`${w.start}-${i}`}>
              <button
                type="button"
                className={`word cut-word${cut ? " struck" : ""}${selected ? " selected" : ""}`}
                data-reason={cut?.reason}
                aria-pressed={Boolean(cut)}
                title={cut ? `Cut (${REASONS[cut.reason]}): click to restore` : "Select to strike"}
                disabled={busy}
                onMouseDown={(e) => {
                  if (cut || e.button !== 0) return;
                  if (e.shiftKey && selection) setSelection([selection[0], i]);
                  else {
                    dragging.current = true;
                    setSelection([i, i]);
                  }
                }}
                onMouseEnter={() => {
                  if (dragging.current && selection) setSelection([selection[0], i]);
                }}
                onClick={(e) => {
                  if (cut) {
                    onChange(restoreWord(ranges, w, clip.start, clip.end));
                    return;
                  }
                  // Keyboard: Enter selects, Shift+Enter extends (the mouse did it on mouse down).
                  if (e.detail === 0) setSelection(e.shiftKey && selection ? [selection[0], i] : [i, i]);
                }}
              >
                {w.word.trim()}
              </button>{" "}
              {markersAfter.get(i)?.map(pauseButton)}
            </span>
          );
        })}
        {words.length === 0 && <p className="muted">This clip has no transcript words to cut.</p>}
      </div>
    </div>
  );
}
