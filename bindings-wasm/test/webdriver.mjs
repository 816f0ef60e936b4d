// A minimal W3C WebDriver client for Debian's chromium + chromium-driver: starts chromedriver,
// opens a headless Chromium session with a fresh profile, and speaks the protocol with fetch.
// No client library and nothing downloaded: the browser is the system's.
//
// Environment: CHROMEDRIVER (default /usr/bin/chromedriver), CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts chromedriver and a headless Chromium session. Call `quit()` when done. */
export async function launch({ timeoutMs = 30_000 } = {}) {
  const driverPath = process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver';
  const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const port = await freePort();
  const driver = spawn(driverPath, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let driverLog = '';
  driver.stderr.on('data', (d) => (driverLog += d));
  const exited = new Promise((r) => driver.once('exit', r));
  const base = `http://127.0.0.1:${port}`;
  const profile = mkdtempSync(join(tmpdir(), 'chamdiem-chromium-'));

  async function call(method, path, body) {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok || json.value?.error) {
      const v = json.value ?? {};
      throw new Error(`WebDriver ${method} ${path}: ${v.error ?? res.status}: ${v.message ?? ''}`);
    }
    return json.value;
  }

  const started = Date.now();
  for (;;) {
    try {
      if ((await call('GET', '/status')).ready) break;
    } catch {
      // not listening yet
    }
    if (driver.exitCode !== null || Date.now() - started > timeoutMs) {
      driver.kill();
      rmSync(profile, { recursive: true, force: true });
      throw new Error(`chromedriver did not start (${driverPath}):\n${driverLog}`);
    }
    await sleep(50);
  }

  let session;
  try {
    session = await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'chrome',
          'goog:chromeOptions': {
            binary: browserPath,
            args: [
              '--headless',
              '--no-sandbox',
              '--disable-gpu',
              '--disable-background-networking',
              '--disable-dev-shm-usage',
              '--no-first-run',
              `--user-data-dir=${profile}`,
            ],
          },
        },
      },
    });
  } catch (e) {
    driver.kill();
    await exited;
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const sid = `/session/${session.sessionId}`;
  const browserVersion = session.capabilities?.browserVersion;

  const page = {
    browserVersion,
    goto: (url) => call('POST', `${sid}/url`, { url }),
    refresh: () => call('POST', `${sid}/refresh`, {}),
    /** Runs `script` (a function body; `arguments` holds `args`) in the page. */
    run: (script, ...args) => call('POST', `${sid}/execute/sync`, { script, args }),
    /** Runs an async function body; it must call `arguments[arguments.length - 1](result)`. */
    runAsync: (script, ...args) => call('POST', `${sid}/execute/async`, { script, args }),
    setScriptTimeout: (ms) => call('POST', `${sid}/timeouts`, { script: ms }),
    setWindowSize: (width, height) => call('POST', `${sid}/window/rect`, { width, height }),
    /** A PNG of the viewport. */
    screenshot: async () => Buffer.from(await call('GET', `${sid}/screenshot`), 'base64'),
    async find(css) {
      const v = await call('POST', `${sid}/element`, { using: 'css selector', value: css });
      const id = v[ELEMENT];
      return {
        click: () => call('POST', `${sid}/element/${id}/click`, {}),
        clear: () => call('POST', `${sid}/element/${id}/clear`, {}),
        type: (text) => call('POST', `${sid}/element/${id}/value`, { text }),
        text: () => call('GET', `${sid}/element/${id}/text`),
        property: (name) => call('GET', `${sid}/element/${id}/property/${name}`),
      };
    },
    /** Polls `script` until it returns something truthy; returns that. */
    async waitFor(script, what, ms = 15_000) {
      const until = Date.now() + ms;
      for (;;) {
        const v = await page.run(script);
        if (v) return v;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await sleep(25);
      }
    },
    async quit() {
      try {
        await call('DELETE', sid);
      } finally {
        driver.kill();
        await exited;
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
  return page;
}
