// A project's transcript language: the choices of the selector and the names shown, from what
// GET /api/system/speech says about the server's Whisper model.
import type { Language, SpeechStatus } from "@/lib/api/types";

/** The selector's value for "let the model detect it" (the API stores null). */
export const AUTO = "auto";

export type LanguageChoice = { value: string; label: string; disabled: boolean };

/** "es" -> "Spanish"; a code the list lacks stays as it is; none -> "". */
export function languageName(code: string | null | undefined, languages: readonly Language[]): string {
  if (!code) return "";
  return languages.find((l) => l.code === code)?.name ?? code;
}

/**
 * Auto first (named after the server's WHISPER_LANGUAGE when it has one), then every language by name.
 * An English-only model leaves only Auto and English choosable; the others are listed, disabled.
 */
export function languageChoices(
  status: Pick<SpeechStatus, "languages" | "multilingual" | "default_language">,
): LanguageChoice[] {
  const fallback = languageName(status.default_language, status.languages);
  const auto: LanguageChoice = {
    value: AUTO,
    label: fallback ? `Server default (${fallback})` : "Auto-detect",
    disabled: false,
  };
  const englishOnly = status.multilingual === false;
  const sorted = [...status.languages].sort((a, b) => a.name.localeCompare(b.name, "en"));
  return [auto, ...sorted.map((l) => ({ value: l.code, label: l.name, disabled: englishOnly && l.code !== "en" }))];
}

/** The value a PATCH sends for a selector value: null for Auto, else the code. */
export function languageSetting(value: string): string | null {
  return value === AUTO ? null : value;
}
