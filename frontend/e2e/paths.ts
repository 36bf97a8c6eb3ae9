import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = resolve(FRONTEND, "..");
export const BACKEND = join(ROOT, "backend");
export const VENV_BIN = join(ROOT, ".venv", "bin");
/** Everything the test server writes (database, queue, uploads, renders); wiped on each run. */
export const E2E_DIR = join(FRONTEND, "e2e", ".data");
export const DATA_DIR = join(E2E_DIR, "data");
export const SPEECH_WAV = join(E2E_DIR, "conversation.wav");
/** The same conversation as a 960x540 H.264 video with a real face (scikit-image's astronaut) drifting across. */
export const SPEECH_MP4 = join(E2E_DIR, "conversation.mp4");
/** About 20 s of two voices saying "um" and "uh" (fixtures/fillers.json), for the cuts test. */
export const FILLERS_WAV = join(E2E_DIR, "fillers.wav");
export const SCREENSHOTS = join(ROOT, "docs", "screenshots");
export const E2E_PORT = Number(process.env.SPACECLIP_E2E_PORT ?? 18765);
export const E2E_URL = `http://127.0.0.1:${E2E_PORT}`;
/** The upload limit the test server runs with (the journey's speech file is about 1.5 MB). */
export const E2E_MAX_UPLOAD_MB = 8;
