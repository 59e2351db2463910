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

  await answered;
  server.assertComplete(); // every scripted step was used
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
