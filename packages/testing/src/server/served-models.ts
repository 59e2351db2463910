/**
 * The `models` option: which model names the fake serves, and the refusal the real API sends
 * for any other (protocol.md §5.1 "Handshake facts": 101, then `invalid_model`, then CLOSE 4000).
 * @module
 */
import { FakeServerOptionsError } from '../errors.js';
import { Errors, type ServerErrorBody } from './error-catalog.js';

/** The close code of a handshake refused for its request's shape (model, beta header). */
export const REQUEST_SHAPE_CLOSE_CODE = 4000;

/**
 * Checks the `models` option and returns a frozen copy (`undefined`: every model is served).
 * @throws FakeServerOptionsError on a non-array, an empty list, or a name that is not a
 * non-empty string without surrounding spaces (a `--models 'a, b'` split, a typo'd config).
 */
export function checkModels(models: unknown): readonly string[] | undefined {
  if (models === undefined) return undefined;
  if (!Array.isArray(models))
    throw new FakeServerOptionsError(
      `models must be an array of model names, got ${JSON.stringify(models)}`,
    );
  // an empty list would refuse every connection: leave the option out to serve any model
  if (models.length === 0)
    throw new FakeServerOptionsError(
      'models must name at least one model (leave it out to serve any model)',
    );
  models.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name === '')
      throw new FakeServerOptionsError(
        `models[${i}] must be a non-empty model name, got ${JSON.stringify(name)}`,
      );
    // `?model=` never carries them, so such a name could never be served
    if (name.trim() !== name)
      throw new FakeServerOptionsError(
        `models[${i}] ${JSON.stringify(name)} has leading or trailing spaces`,
      );
  });
  return Object.freeze([...(models as string[])]);
}

/** The error the real API sends for `model`, or `undefined` when it is served. */
export function modelRefusal(
  served: readonly string[] | undefined,
  model: string,
): ServerErrorBody | undefined {
  return served === undefined || served.includes(model) ? undefined : Errors.invalidModel(model);
}
