"use client";

// The media element's current time, updated every animation frame while it plays (timeupdate fires
// only ~4 times a second, too coarse to highlight the word being spoken).
import { useEffect, useState } from "react";

export function useMediaTime(el: HTMLMediaElement | null): number {
  const [time, setTime] = useState(0);

  useEffect(() => {
    if (!el) return;
    let frame = 0;
    const tick = () => {
      setTime(el.currentTime);
      if (!el.paused && !el.ended) frame = requestAnimationFrame(tick);
    };
    const onPlay = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    };
    const onChange = () => setTime(el.currentTime);
    el.addEventListener("play", onPlay);
    el.addEventListener("seeked", onChange);
    el.addEventListener("timeupdate", onChange);
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener("play", onPlay);
      el.removeEventListener("seeked", onChange);
      el.removeEventListener("timeupdate", onChange);
    };
  }, [el]);

  return time;
}

/** Index of the word being spoken at `t` (the last word starting at or before t, if t is inside it). */
export function wordAt(starts: readonly number[], ends: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((starts[mid] ?? 0) <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found >= 0 && t <= (ends[found] ?? 0) + 0.05 ? found : -1;
}

/** Jump to `t` seconds and play (the browser may refuse autoplay; the position still moves). */
export function seekMedia(el: HTMLMediaElement | null, t: number, play = true): void {
  if (!el) return;
  el.currentTime = t;
  if (play) void el.play().catch(() => undefined);
}
