/** The README's example, run as written (plus an injected simulated clock, the rule for core tests). */
import { expect, it } from 'vitest';
import { createFakeServer, SimulatedClock } from '@voxwire/testing';
import { RealtimeModel, type RealtimeResponse } from '../src/index.js';

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
