import { describe, expect, it } from 'vitest';
import { DemoToolError, createDemoTools } from '../src/server/demo-tools.js';

const NOON_UTC = Date.UTC(2026, 0, 15, 12, 0, 0);
const [weather, time] = createDemoTools({ now: () => NOON_UTC });

describe('demo tools', () => {
  it('declares JSON Schemas the model can use', () => {
    expect(weather?.name).toBe('get_weather');
    expect(weather?.parameters).toMatchObject({ type: 'object', required: ['location'] });
    expect(time?.name).toBe('get_time');
  });

  it('get_weather is stable per city and converts units', async () => {
    const a = (await weather!.execute({ location: 'Paris' })) as {
      temperature: number;
      condition: string;
      unit: string;
    };
    const b = (await weather!.execute('{"location":"paris"}')) as typeof a;
    expect(a.temperature).toBe(b.temperature);
    expect(a.condition).toBe(b.condition);
    expect(a.unit).toBe('celsius');
    const f = (await weather!.execute({ location: 'Paris', unit: 'fahrenheit' })) as typeof a;
    expect(f.temperature).toBe(Math.round((a.temperature * 9) / 5 + 32));
  });

  it('get_time formats the injected clock in the asked time zone', async () => {
    expect(await time!.execute({ timezone: 'Asia/Tokyo' })).toEqual({
      timezone: 'Asia/Tokyo',
      time: '15 Jan 2026, 21:00:00',
    });
    expect(await time!.execute({})).toEqual({ timezone: 'UTC', time: '15 Jan 2026, 12:00:00' });
  });

  it('refuses bad arguments with a readable DemoToolError', async () => {
    await expect(weather!.execute({})).rejects.toThrow(DemoToolError);
    await expect(weather!.execute({ location: '  ' })).rejects.toThrow(
      /location must not be empty/,
    );
    await expect(weather!.execute('{nope')).rejects.toThrow(/not valid JSON/);
    await expect(weather!.execute({ location: 'Oslo', unit: 'kelvin' })).rejects.toThrow(/at unit/);
    await expect(time!.execute({ timezone: 'Mars/Olympus' })).rejects.toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
  });
});
