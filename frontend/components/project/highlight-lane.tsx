"use client";

import { useRouter } from "next/navigation";
import { type PointerEvent, useEffect, useRef, useState } from "react";

import { api, apiUrl, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { Highlight } from "@/lib/api/types";
import { formatTime } from "@/lib/format";
import { seekMedia } from "@/lib/hooks/use-media-time";
import { FormError } from "@/components/ui/form-error";

type Props = { projectId: string; duration: number; media: HTMLMediaElement | null };

type Range = { start: number; end: number };

const POINTS = 600;
const MIN_LENGTH_S = 1;

/**
 * The whole recording's waveform with a lane of its highlights over it: click one to play it (it
 * stops at its end), drag its edges to trim, then make a clip of the trimmed range. Under the lane,
 * each highlight's frame.
 */
export function HighlightLane({ projectId, duration, media }: Props) {
  const router = useRouter();
  const [peaks, setPeaks] = useState<number[]>([]);
  const [highlights, setHighlights] = useState<Highlight[] | null>(null);
  const [ranges, setRanges] = useState<Record<string, Range>>({});
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stopAt = useRef<number | null>(null);

  useEffect(() => {
    const path = { project_id: projectId };
    unwrap(api.GET("/api/projects/{project_id}/waveform", { params: { path, query: { points: POINTS } } }))
      .then((w) => setPeaks(w.peaks))
      .catch((err: unknown) => setError(errorMessage(err)));
    unwrap(api.GET("/api/projects/{project_id}/highlights", { params: { path } }))
      .then((list) => {
        const sorted = [...list.highlights].sort((a, b) => a.start - b.start);
        setHighlights(sorted);
        setRanges(Object.fromEntries(sorted.map((h) => [h.id, { start: h.start, end: h.end }])));
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [projectId]);

  // Playing a highlight stops at its (trimmed) end.
  useEffect(() => {
    if (!media) return;
    const onTime = () => {
      if (stopAt.current !== null && media.currentTime >= stopAt.current) {
        media.pause();
        stopAt.current = null;
      }
    };
    media.addEventListener("timeupdate", onTime);
    return () => media.removeEventListener("timeupdate", onTime);
  }, [media]);

  const span = Math.max(duration, 0.001);
  const pct = (t: number) => `${(Math.min(Math.max(t, 0), span) / span) * 100}%`;

  function play(id: string) {
    const r = ranges[id];
    if (!r) return;
    setSelected(id);
    stopAt.current = r.end;
    seekMedia(media, r.start);
  }

  function timeAt(el: HTMLElement, clientX: number): number {
    const lane = el.closest(".waveform");
    const rect = lane?.getBoundingClientRect();
    if (!rect || rect.width === 0) return 0;
    return Math.round(Math.min(Math.max((clientX - rect.left) / rect.width, 0), 1) * span * 100) / 100;
  }

  function drag(id: string, which: "start" | "end") {
    return {
      onPointerDown(e: PointerEvent<HTMLButtonElement>) {
        e.stopPropagation();
        e.currentTarget.setPointerCapture(e.pointerId);
        setSelected(id);
      },
      onPointerMove(e: PointerEvent<HTMLButtonElement>) {
        if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
        const t = timeAt(e.currentTarget, e.clientX);
        setRanges((all) => {
          const r = all[id];
          if (!r) return all;
          const next =
            which === "start"
              ? { start: Math.min(t, r.end - MIN_LENGTH_S), end: r.end }
              : { start: r.start, end: Math.max(t, r.start + MIN_LENGTH_S) };
          return { ...all, [id]: { start: Math.max(0, next.start), end: Math.min(span, next.end) } };
        });
      },
    };
  }

  async function makeClip(h: Highlight) {
    const r = ranges[h.id];
    if (!r) return;
    setError(null);
    try {
      const clip = await unwrap(
        api.POST("/api/projects/{project_id}/clips", {
          params: { path: { project_id: projectId } },
          body: { start: r.start, end: r.end, title: h.title },
        }),
      );
      router.push(`/clip/?id=${encodeURIComponent(clip.id)}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const barWidth = 100 / Math.max(peaks.length, 1);
  const current = highlights?.find((h) => h.id === selected) ?? null;
  const range = current ? ranges[current.id] : undefined;
  return (
    <div className="card stack" aria-labelledby="lane-title" data-testid="highlight-lane">
      <h2 id="lane-title">Highlights on the recording</h2>
      <p className="small muted">
        Click a highlight to play it; drag its edges to trim it, then make a clip of what you kept.
      </p>
      <div className="waveform" style={{ height: 110 }}>
        <svg viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
          {peaks.map((p, i) => {
            const h = Math.max(p * 96, 0.8);
            return <rect key={i} x={i * barWidth} y={50 - h / 2} width={barWidth * 0.8} height={h} fill="#a5b4fc" />;
          })}
        </svg>
        {highlights?.map((h, i) => {
          const r = ranges[h.id] ?? h;
          const on = h.id === selected;
          return (
            <div
              key={h.id}
              style={{
                position: "absolute",
                top: on ? 4 : 14,
                bottom: on ? 4 : 14,
                left: pct(r.start),
                width: `calc(${pct(r.end)} - ${pct(r.start)})`,
                background: on ? "rgb(245 158 11 / 45%)" : "rgb(245 158 11 / 25%)",
                border: `2px solid ${on ? "#f59e0b" : "rgb(245 158 11 / 70%)"}`,
                borderRadius: 6,
                // Highlights may overlap: the chosen one is on top, so its handles can be grabbed.
                zIndex: on ? 2 : 1,
              }}
              data-testid="lane-block"
            >
              <button
                type="button"
                onClick={() => play(h.id)}
                aria-label={`Play highlight ${i + 1}: ${h.title}`}
                style={{ position: "absolute", inset: 0, background: "transparent", border: "none", minHeight: 0 }}
              />
              {on &&
                (["start", "end"] as const).map((which) => (
                  <button
                    key={which}
                    type="button"
                    className="handle"
                    aria-label={`Trim the ${which} of highlight ${i + 1}`}
                    style={{ left: which === "start" ? 0 : "100%" }}
                    data-testid={`lane-${which}`}
                    {...drag(h.id, which)}
                  />
                ))}
            </div>
          );
        })}
      </div>
      {current && range && (
        <div className="row">
          <span className="small" data-testid="lane-range">
            {current.title}: {formatTime(range.start)} – {formatTime(range.end)} ({(range.end - range.start).toFixed(1)}{" "}
            s)
          </span>
          <button type="button" className="primary" onClick={() => void makeClip(current)}>
            Make a clip of this range
          </button>
        </div>
      )}
      {highlights && highlights.length > 0 && (
        <ul className="row" style={{ listStyle: "none", padding: 0, flexWrap: "wrap", gap: "0.5rem" }}>
          {highlights.map((h, i) => (
            <li key={h.id}>
              <button
                type="button"
                onClick={() => play(h.id)}
                aria-label={`Play highlight ${i + 1} from its picture: ${h.title}`}
                style={{ padding: 0, border: h.id === selected ? "2px solid #f59e0b" : "2px solid transparent" }}
              >
                {/* eslint-disable-next-line @next/next/no-img-element -- an authenticated API image, made on first request */}
                <img
                  src={apiUrl(`/api/highlights/${encodeURIComponent(h.id)}/thumbnail`)}
                  alt=""
                  width={128}
                  height={72}
                  loading="lazy"
                  style={{ objectFit: "cover", display: "block", background: "#1f2937" }}
                  data-testid="highlight-thumbnail"
                />
              </button>
            </li>
          ))}
        </ul>
      )}
      {highlights?.length === 0 && <p className="small muted">No highlights yet.</p>}
      <FormError message={error} />
    </div>
  );
}
