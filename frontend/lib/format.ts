/** 83.4 -> "1:23.4"; 3725 -> "1:02:05.0". */
export function formatTime(seconds: number, decimals = 1): string {
  // Round first, so 599.96 s reads 10:00.0 rather than 9:60.0.
  const factor = 10 ** decimals;
  const s = Math.round(Math.max(0, seconds) * factor) / factor;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = (s % 60).toFixed(decimals).padStart(decimals ? decimals + 3 : 2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso.endsWith("Z") || /[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function percent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

const FRAMING: Record<string, string> = {
  "crop:track": "reframed around the speaker",
  split: "split screen while both people talk",
  "crop:center": "centre crop (no face found)",
  "crop:blur_fit": "whole picture over a blurred fill (no face found)",
  scale: "scaled to the frame",
  pad: "fitted with bars",
  blur: "whole picture over a blurred fill",
};

/** How an export's picture was framed, from its `settings.layout`; null when unknown. */
export function framing(layout: unknown): string | null {
  if (typeof layout !== "string") return null;
  if (layout.startsWith("audiogram:")) return `audiogram (${layout.slice("audiogram:".length)})`;
  return FRAMING[layout] ?? null;
}

export type TextPart = { text: string; code: boolean };

/** "Start Ollama (`ollama serve`)" -> plain and code parts; an unpaired backtick stays as text. */
export function codeSpans(message: string): TextPart[] {
  const parts: TextPart[] = [];
  const pattern = /`([^`\n]+)`/g;
  let last = 0;
  for (const match of message.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) parts.push({ text: message.slice(last, at), code: false });
    parts.push({ text: match[1] ?? "", code: true });
    last = at + match[0].length;
  }
  if (last < message.length) parts.push({ text: message.slice(last), code: false });
  return parts;
}
