// Short names for the API's schemas (all generated; see schema.d.ts).
import type { components } from "./schema";

type S = components["schemas"];

export type User = S["UserPublic"];
export type Session = S["SessionPublic"];
export type Job = S["JobPublic"];
export type Project = S["ProjectPublic"];
export type ProjectCreated = S["ProjectCreated"];
export type Transcript = S["TranscriptPublic"];
export type Segment = S["SegmentPublic"];
export type Speaker = S["SpeakerPublic"];
export type SpeakerPhoto = S["SpeakerPhotoPublic"];
export type Word = S["WordPublic"];

export const TERMINAL_JOB_STATUSES: ReadonlySet<string> = new Set(["succeeded", "failed", "cancelled"]);

export function isTerminal(job: Pick<Job, "status">): boolean {
  return TERMINAL_JOB_STATUSES.has(job.status);
}

export type Highlight = S["HighlightPublic"];
export type HighlightList = S["HighlightList"];
export type Clip = S["ClipPublic"];
export type Waveform = S["WaveformPublic"];
export type RenderOptions = S["RenderOptions"];
export type Preset = S["PresetPublic"];
export type PlatformKey = S["PlatformKey"];
export type CaptionStyleKey = S["CaptionStyleKey"];
export type AudiogramStyleKey = S["AudiogramStyleKey"];
export type CaptionStyle = S["CaptionStylePublic"];
export type AudiogramStyle = S["AudiogramStylePublic"];
export type Export = S["ExportPublic"];
export type ExportCheck = S["ExportCheckPublic"];
export type LlmStatus = S["LlmStatusPublic"];
export type Limits = S["LimitsPublic"];
export type SpeechStatus = S["SpeechStatusPublic"];
export type Language = S["LanguagePublic"];
export type BrandKit = S["BrandKitPublic"];
export type BrandKitUpdate = S["BrandKitUpdate"];
export type FontCoverage = S["FontCoverage"];
