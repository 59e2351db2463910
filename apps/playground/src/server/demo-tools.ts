/**
 * The two demo tools the playground offers the model. They run in the server; the page only
 * sees their calls and results. The weather is invented (deterministic per city) because the
 * playground must work offline; the time is real.
 * @module
 */
import * as v from 'valibot';

/** A tool as the playground declares it to the model and runs it. */
export interface DemoTool {
  /** Name the model calls. */
  name: string;
  /** What the model is told the tool does. */
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  /**
   * Runs the tool. `args` are the model's arguments, already parsed from JSON by the engine (a
   * raw JSON string is accepted too); throws {@link DemoToolError} on bad input.
   */
  execute(args: unknown): Promise<unknown>;
}

/** A tool was called with arguments it cannot use; the message goes back to the model. */
export class DemoToolError extends Error {
  /** Stable code. */
  readonly code = 'TOOL_BAD_ARGUMENTS' as const;
  constructor(message: string) {
    super(message);
    this.name = 'DemoToolError';
  }
}

function parseArgs<S extends v.GenericSchema>(schema: S, raw: unknown): v.InferOutput<S> {
  let value = raw ?? {};
  if (typeof raw === 'string') {
    try {
      value = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw new DemoToolError('arguments are not valid JSON');
    }
  }
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue ? v.getDotPath(issue) : null;
    throw new DemoToolError(
      `invalid arguments${path ? ` at ${path}` : ''}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  return result.output;
}

const WeatherArgs = v.object({
  location: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'location must not be empty'),
    v.maxLength(100),
  ),
  unit: v.optional(v.picklist(['celsius', 'fahrenheit']), 'celsius'),
});

const TimeArgs = v.object({
  timezone: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)), 'UTC'),
});

const CONDITIONS = ['sunny', 'partly cloudy', 'overcast', 'light rain', 'windy', 'foggy'] as const;

/** FNV-1a: a stable small hash so a city always gets the same invented weather. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Options of {@link createDemoTools}. */
export interface DemoToolOptions {
  /** Wall-clock source for `get_time`, injectable for tests. @default Date.now */
  now?: () => number;
}

/** `get_weather` and `get_time`. */
export function createDemoTools(options: DemoToolOptions = {}): DemoTool[] {
  const now = options.now ?? (() => Date.now());
  return [
    {
      name: 'get_weather',
      description: 'Current weather for a city (demo data, invented but stable per city).',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string', description: 'City name, e.g. "Paris"' },
          unit: {
            type: 'string',
            enum: ['celsius', 'fahrenheit'],
            description: 'Temperature unit',
          },
        },
        required: ['location'],
        additionalProperties: false,
      },
      async execute(raw) {
        const { location, unit } = parseArgs(WeatherArgs, raw);
        const h = hash(location.toLowerCase());
        const celsius = (h % 35) - 5;
        const temperature = unit === 'celsius' ? celsius : Math.round((celsius * 9) / 5 + 32);
        return {
          location,
          temperature,
          unit,
          condition: CONDITIONS[h % CONDITIONS.length],
          note: 'demo data',
        };
      },
    },
    {
      name: 'get_time',
      description: 'The current local time in an IANA time zone such as "Europe/Paris".',
      parameters: {
        type: 'object',
        properties: { timezone: { type: 'string', description: 'IANA time zone; default UTC' } },
        additionalProperties: false,
      },
      async execute(raw) {
        const { timezone } = parseArgs(TimeArgs, raw);
        let time: string;
        try {
          time = new Intl.DateTimeFormat('en-GB', {
            timeZone: timezone,
            dateStyle: 'medium',
            timeStyle: 'medium',
          }).format(now());
        } catch {
          throw new DemoToolError(`unknown time zone "${timezone}"`);
        }
        return { timezone, time };
      },
    },
  ];
}
