/**
 * @voxwire/protocol — the wire: schemas, constants, dialect codecs and contracts.
 * @module
 */
export * from './constants.js';
export * from './contracts.js';
export * from './audio.js';
