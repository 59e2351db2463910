/** The README's example, run as written (plus an injected simulated clock, the rule for core tests). */
import { expect, it } from 'vitest';
import * as v from 'valibot';
import { createFakeServer, SimulatedClock, speechThenSilence } from '@voxwire/testing';
import { RealtimeModel, defineTool, type RealtimeResponse } from '../src/index.js';

it('README example runs against the fake', async () => {
  const clock = new SimulatedClock();
  const { connector, server } = createFakeServer({ clock });
  server.queueResponse((ctx) => ctx.say('Hello from the fake server!'));

  const model = new RealtimeModel({
    connector,
    clock,
    instructions: 'Be brief.',
    modalities: ['text'],
  });
  const session = model.session();
  session.on('error', (error) => console.error(error.code, error.message));

  const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
  const text: string[] = [];
  session.on('response_content_added', (content) => {
    void (async () => {
      for await (const delta of content.textStream) text.push(delta);
    })();
  });
  const item = session.conversation.item.create({ role: 'user', content: 'Hi!' });
  const requested = session.response.create();
  await clock.advanceAsync(0);

  await item;
  expect(await requested).toBe(true);
  const response = await done;
  expect(response.status).toBe('completed'); // the README prints it
  expect(response.text).toBe('Hello from the fake server!');
  expect(text.join('')).toBe(response.text);
  await model.close();
});

// The testing package's README ("Testing your agent"), run as written; testing may not depend
// on core, so its example is checked here.
it('the testing README example runs as written', async () => {
  const clock = new SimulatedClock();
  const { connector, server } = createFakeServer({ clock, pacing: { realtimeFactor: 1 } });

  const weatherTool = defineTool({
    name: 'get_weather',
    description: 'The weather in a place',
    parameters: v.object({ location: v.string() }),
    execute: ({ location }) => ({ location, sky: 'sunny' }),
  });

  // what the user "says" when their audio is committed, and how the model answers
  server.scriptTranscription('What is the weather in Oslo?');
  server.queueResponse((ctx) => ctx.callFunction('get_weather', { location: 'Oslo' }));
  server.queueResponse((ctx) => ctx.say('It is sunny in Oslo.'));

  const session = new RealtimeModel({ connector, clock }).session({ tools: [weatherTool] });
  const answered = server.expectClientEvent(
    'conversation.item.create',
    (e) => (e['item'] as { type?: string }).type === 'function_call_output',
  );
  // one spoken turn: 600 ms of tone, then the silence that ends it
  for (const frame of speechThenSilence(600, 800)) session.inputAudioBuffer.append(frame);
  await clock.advanceAsync(10_000); // pacing, timers: all on the simulated clock

  // every scripted step used, every expectation met: a missing event fails here, saying what
  // was sent instead, where an `await` of an unmet expectation would never settle
  server.assertComplete();
  await answered;
  expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(
    server.conversation.map((i) => i['id']),
  );
  expect(session.chatCtxCopy().items.map((i) => i.type)).toEqual([
    'message',
    'function_call',
    'function_call_output',
    'message',
  ]);
  await session.close();
});

// The function-calling section's pattern: an async `execute` (a fetch), on a SimulatedClock with
// its defaults. The tool's result, its output, the follow-up response.create and the server's
// reply are one long promise chain at one instant; the clock used to move on to the 30 s stall
// timer before the chain set its 0 ms timers (a stalled follow-up, RESPONSE_STALLED).
it('an async tool answers at once on a default SimulatedClock', async () => {
  const clock = new SimulatedClock();
  const { connector, server } = createFakeServer({ clock });
  const fetchWeather = async (city: string) => {
    await Promise.resolve();
    return { city, sky: 'sunny' };
  };
  const getWeather = defineTool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: v.object({ city: v.pipe(v.string(), v.minLength(1)) }),
    execute: async ({ city }) => await fetchWeather(city),
  });
  server.queueResponse((ctx) => ctx.callFunction('get_weather', { city: 'Oslo' }));
  server.queueResponse((ctx) => ctx.say('It is sunny in Oslo.'));
  const session = new RealtimeModel({ connector, clock, modalities: ['text'] }).session({
    tools: [getWeather],
  });
  const errors: (string | null)[] = [];
  session.on('error', (error) => errors.push(error.code));
  const texts: [string, number][] = [];
  session.on('response_done', (response) => {
    if (response.text) texts.push([response.text, clock.now()]);
  });
  await clock.advanceAsync(0);
  void session.response.create();
  await clock.advanceAsync(60_000);
  expect(errors).toEqual([]);
  expect(texts).toHaveLength(1);
  expect(texts[0]![0]).toBe('It is sunny in Oslo.');
  // the follow-up came without waiting for any timer but the fake's own pacing
  expect(texts[0]![1]).toBeLessThan(5_000);
  await session.close();
});
