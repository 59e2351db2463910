/**
 * `withPlayground` closes what it opened whatever fails: the playground server also when
 * Chromium does not launch, and when closing the browser fails. Chromium's launch is stubbed
 * (this runs without one), the server is real and checked to be listening no more.
 */
import type { Browser } from 'playwright-core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as ServerModule from '../src/server/server.js';
import type { PlaygroundServer } from '../src/server/server.js';
import type * as ChromiumModule from './chromium.js';
import { withPlayground } from './browser-page.js';

const stubs = vi.hoisted(() => ({
  servers: [] as PlaygroundServer[],
  launch: undefined as (() => Promise<Browser>) | undefined,
}));

vi.mock('./chromium.js', async (importOriginal) => ({
  ...(await importOriginal<typeof ChromiumModule>()),
  launchChromium: () => stubs.launch!(),
  // no page is served here: nothing to build
  buildPageDirs: () => Promise.resolve([]),
}));

vi.mock('../src/server/server.js', async (importOriginal) => {
  const real = await importOriginal<typeof ServerModule>();
  return {
    ...real,
    startPlaygroundServer: async (...args: Parameters<typeof real.startPlaygroundServer>) => {
      const server = await real.startPlaygroundServer(...args);
      stubs.servers.push(server);
      return server;
    },
  };
});

beforeEach(() => {
  stubs.servers.length = 0;
});

function onlyServer(): PlaygroundServer {
  expect(stubs.servers).toHaveLength(1);
  return stubs.servers[0]!;
}

describe('withPlayground closes the server whatever fails', () => {
  it('when Chromium does not launch: the launch error, the test never run, the server closed', async () => {
    stubs.launch = () => Promise.reject(new Error('no Chromium here'));
    const test = vi.fn(() => Promise.resolve());
    await expect(withPlayground(test)).rejects.toThrow('no Chromium here');
    expect(test).not.toHaveBeenCalled();
    expect(onlyServer().http.listening).toBe(false);
  });

  it('when the test fails: its error, the browser and the server closed', async () => {
    const close = vi.fn(() => Promise.resolve());
    stubs.launch = () => Promise.resolve({ close } as unknown as Browser);
    await expect(
      withPlayground(() => Promise.reject(new Error('the test failed'))),
    ).rejects.toThrow('the test failed');
    expect(close).toHaveBeenCalledTimes(1);
    expect(onlyServer().http.listening).toBe(false);
  });

  it('when closing the browser fails: that error, and the server closed all the same', async () => {
    stubs.launch = () =>
      Promise.resolve({
        close: () => Promise.reject(new Error('browser would not close')),
      } as unknown as Browser);
    const test = vi.fn(() => Promise.resolve());
    await expect(withPlayground(test)).rejects.toThrow('browser would not close');
    expect(test).toHaveBeenCalledTimes(1);
    expect(onlyServer().http.listening).toBe(false);
  });
});
