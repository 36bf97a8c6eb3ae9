import { expect, test } from "@playwright/test";

import { AUTO, languageChoices, languageName, languageSetting } from "@/lib/languages";

const LANGUAGES = [
  { code: "en", name: "English" },
  { code: "es", name: "Spanish" },
  { code: "de", name: "German" },
];

test("languageName names a code, keeps an unknown one, and is empty for none", () => {
  expect([languageName("es", LANGUAGES), languageName("xx", LANGUAGES), languageName(null, LANGUAGES)]).toEqual([
    "Spanish",
    "xx",
    "",
  ]);
});

test("a multilingual model offers Auto first, then every language by name", () => {
  const choices = languageChoices({ languages: LANGUAGES, multilingual: true, default_language: null });
  expect(choices).toEqual([
    { value: AUTO, label: "Auto-detect", disabled: false },
    { value: "en", label: "English", disabled: false },
    { value: "de", label: "German", disabled: false },
    { value: "es", label: "Spanish", disabled: false },
  ]);
});

test("an English-only model leaves only Auto and English choosable", () => {
  const choices = languageChoices({ languages: LANGUAGES, multilingual: false, default_language: null });
  expect(choices.filter((c) => !c.disabled).map((c) => c.value)).toEqual([AUTO, "en"]);
  expect(choices.map((c) => c.value)).toEqual([AUTO, "en", "de", "es"]);
});

test("Auto names the server's default language when it has one", () => {
  const choices = languageChoices({ languages: LANGUAGES, multilingual: true, default_language: "de" });
  expect(choices[0]?.label).toBe("Server default (German)");
});

test("Auto is sent as null, a language as its code", () => {
  expect([languageSetting(AUTO), languageSetting("es")]).toEqual([null, "es"]);
});
