// Start the real SpaceClip server for the browser tests: a fresh data dir, generated two-voice
// speech, `spaceclip serve` (API + workers + the static UI in frontend/out). Returns the teardown.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import {
  BACKEND,
  DATA_DIR,
  E2E_DIR,
  E2E_MAX_UPLOAD_MB,
  E2E_PORT,
  E2E_URL,
  FILLERS_WAV,
  FRONTEND,
  SPEECH_MP4,
  SPEECH_WAV,
  VENV_BIN,
} from "./paths";

async function waitForHealth(server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`spaceclip serve exited with ${server.exitCode}; see ${E2E_DIR}/server.log`);
    try {
      const res = await fetch(`${E2E_URL}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`spaceclip serve did not answer on ${E2E_URL} within ${timeoutMs / 1000} s`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const out = join(FRONTEND, "out");
  if (!existsSync(join(out, "index.html"))) throw new Error("frontend/out is missing: run `npx next build` first.");
  const busy = await fetch(`${E2E_URL}/api/health`).then(
    () => true,
    () => false,
  );
  if (busy)
    throw new Error(`Something already answers on ${E2E_URL}: stop it, or set SPACECLIP_E2E_PORT to a free port.`);
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });

  // ~48 s of two synthetic voices (flite), made with the backend's own test helper.
  execFileSync(
    join(VENV_BIN, "python"),
    ["-m", "tests.speech", join(FRONTEND, "e2e", "fixtures", "conversation.json"), SPEECH_WAV],
    {
      cwd: BACKEND,
      stdio: "inherit",
    },
  );

  // ~20 s with "um" and "uh" in it, for cutting filler words (cuts.spec.ts).
  execFileSync(
    join(VENV_BIN, "python"),
    ["-m", "tests.speech", join(FRONTEND, "e2e", "fixtures", "fillers.json"), FILLERS_WAV],
    { cwd: BACKEND, stdio: "inherit" },
  );

  // The same speech as a video source: a face drifting across a wide frame (the backend's own
  // helper), with the conversation as its sound.
  const faceOnly = join(E2E_DIR, "face-only.mp4");
  execFileSync(
    join(VENV_BIN, "python"),
    [
      "-c",
      "import sys; from pathlib import Path; from tests.render_media import make_face_video; " +
        "make_face_video(Path(sys.argv[1]), seconds=50.0, size='960x540', fps=25)",
      faceOnly,
    ],
    { cwd: BACKEND, stdio: "inherit" },
  );
  execFileSync(
    "ffmpeg",
    ["-nostdin", "-loglevel", "error", "-i", faceOnly, "-i", SPEECH_WAV, "-map", "0:v", "-map", "1:a"].concat([
      "-c:v",
      "copy",
      "-c:a",
      "aac",
      "-b:a",
      "96k",
      "-shortest",
      "-movflags",
      "+faststart",
      "-y",
      SPEECH_MP4,
    ]),
    { stdio: "inherit" },
  );
  rmSync(faceOnly, { force: true });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SPACECLIP_DATA_DIR: DATA_DIR,
    SPACECLIP_FRONTEND_DIR: out,
    SPACECLIP_HOST: "127.0.0.1",
    SPACECLIP_PORT: String(E2E_PORT),
    SPACECLIP_WORKERS: "2",
    SPACECLIP_MAX_UPLOAD_MB: String(E2E_MAX_UPLOAD_MB), // small, so a test can go over it cheaply
    OLLAMA_HOST: "http://127.0.0.1:9", // no LLM: the built-in scorer titles the highlights
    SPACECLIP_FILLER_PROMPT: "true", // Whisper writes the "um"s down, so the cuts test can cut them
  };
  for (const key of ["DATABASE_URL", "SPACECLIP_REDIS_URL", "UPLOAD_DIR", "OUTPUT_DIR"]) delete env[key];

  const log = createWriteStream(join(E2E_DIR, "server.log"));
  const server = spawn(join(VENV_BIN, "spaceclip"), ["serve"], { cwd: BACKEND, env, detached: true });
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);
  await waitForHealth(server, 60_000);

  return async () => {
    // The server and its worker child share a process group: end both.
    const group = server.pid ? -server.pid : 0;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(group, sig);
      } catch {
        // already gone
      }
    };
    if (group && server.exitCode === null) {
      signal("SIGTERM");
      for (let i = 0; i < 50 && server.exitCode === null; i++) await new Promise((r) => setTimeout(r, 200));
      signal("SIGKILL");
    }
    log.end();
  };
}
