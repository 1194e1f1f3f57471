// Media upload v2: initialize, append (multipart), finalize, STATUS, one-shot upload, and
// alt text through /2/media/metadata. Only images are supported, as Keypost posts only images.

import { createHash } from 'node:crypto';
import { jsonObjectBody } from './body.mjs';
import { parseMultipart } from './multipart.mjs';
import { invalidRequest } from './problems.mjs';
import { nextId, nowMs } from './state.mjs';

const MB = 1024 * 1024;
/** Largest image X takes, and the larger limit for an animated GIF sent as tweet_gif. */
export const IMAGE_MAX_BYTES = 5 * MB;
export const GIF_MAX_BYTES = 15 * MB;
export const ALT_TEXT_MAX_CHARS = 1000;
const EXPIRES_AFTER_S = 86400;
const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
const CATEGORIES = ['tweet_image', 'tweet_gif'];
/** Values of `mediaProcessing`: which finalized uploads go through asynchronous processing. */
export const PROCESSING_MODES = ['gif', 'always', 'never', 'fail'];

/** The image type these bytes are, judged by their magic numbers, or null. */
export function sniffImageType(bytes) {
  const starts = (...b) => b.every((v, i) => bytes[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (bytes.subarray(0, 6).toString('latin1').match(/^GIF8[79]a$/)) return 'image/gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  return null;
}

function maxBytes(mediaType, category) {
  return mediaType === 'image/gif' && category === 'tweet_gif' ? GIF_MAX_BYTES : IMAGE_MAX_BYTES;
}

function expiresAfterS(state, media) {
  return Math.max(0, EXPIRES_AFTER_S - Math.floor((nowMs(state) - media.created_ms) / 1000));
}

/** The user's media with this id, or a 400 problem. */
function ownMedia(state, account, id, parameter = 'id') {
  const media = typeof id === 'string' ? state.media.get(id) : undefined;
  if (!media || media.owner_id !== account.id) {
    return { problem: invalidRequest(`Media id ${JSON.stringify(id)} is not a media upload of this account.`, parameter) };
  }
  return { media };
}

/** Whether a finalized upload may be attached to a post. */
export function isReadyForPost(media) {
  return media.finalized && (!media.processing || media.processing.state === 'succeeded');
}

function mediaSummary(state, media) {
  const data = {
    id: media.id,
    media_key: media.media_key,
    size: media.size,
    expires_after_secs: expiresAfterS(state, media),
  };
  if (media.processing) data.processing_info = processingInfo(media.processing, state.checkAfterSecs);
  return data;
}

/** X's processing_info; `checkAfter` is the `check_after_secs` the control interface set (1 by default). */
function processingInfo(processing, checkAfter) {
  switch (processing.state) {
    case 'pending':
      return { state: 'pending', check_after_secs: checkAfter };
    case 'in_progress':
      return { state: 'in_progress', check_after_secs: checkAfter, progress_percent: 50 };
    case 'failed':
      return {
        state: 'failed',
        progress_percent: 100,
        error: { code: 1, name: 'InvalidMedia', message: 'Unsupported or corrupt media' },
      };
    default:
      return { state: 'succeeded', progress_percent: 100 };
  }
}

function newMedia(state, account, mediaType, category, totalBytes) {
  const id = nextId(state);
  const media = {
    id,
    media_key: `3_${id}`,
    owner_id: account.id,
    media_type: mediaType,
    category: category ?? null,
    total_bytes: totalBytes,
    segments: new Map(),
    created_ms: nowMs(state),
    finalized: false,
    size: null,
    sha256: null,
    processing: null,
    alt_text: null,
  };
  state.media.set(id, media);
  return media;
}

/** POST /2/media/upload/initialize */
export function initialize(state, ctx) {
  const { value, problem } = jsonObjectBody(ctx.body, ctx.contentType);
  if (problem) return problem;
  const { media_type: mediaType, total_bytes: totalBytes, media_category: category } = value;
  if (!MEDIA_TYPES.includes(mediaType)) {
    return invalidRequest(`media_type must be one of ${MEDIA_TYPES.join(', ')}; got ${JSON.stringify(mediaType)}.`, 'media_type');
  }
  if (category !== undefined && !CATEGORIES.includes(category)) {
    return invalidRequest(`media_category must be one of ${CATEGORIES.join(', ')}; got ${JSON.stringify(category)}.`, 'media_category');
  }
  if (!Number.isInteger(totalBytes) || totalBytes < 1) {
    return invalidRequest('total_bytes must be a positive integer.', 'total_bytes');
  }
  const limit = maxBytes(mediaType, category);
  if (totalBytes > limit) {
    return invalidRequest(`total_bytes ${totalBytes} is over the ${limit / MB} MB limit for ${mediaType}.`, 'total_bytes');
  }
  const media = newMedia(state, ctx.account, mediaType, category, totalBytes);
  return {
    status: 200,
    body: { data: { id: media.id, media_key: media.media_key, expires_after_secs: EXPIRES_AFTER_S } },
  };
}

/** POST /2/media/upload/{id}/append (multipart: segment_index, media) */
export function append(state, ctx) {
  const { media, problem } = ownMedia(state, ctx.account, ctx.params.id);
  if (problem) return problem;
  if (media.finalized) return invalidRequest(`Media ${media.id} is already finalized.`);
  let parts;
  try {
    parts = parseMultipart(ctx.body, ctx.contentType);
  } catch (err) {
    return invalidRequest(`Append needs a multipart/form-data body: ${err.message}.`);
  }
  const indexPart = parts.find((p) => p.name === 'segment_index');
  const mediaPart = parts.find((p) => p.name === 'media');
  const indexText = indexPart?.data.toString('utf8').trim();
  if (!indexText || !/^\d+$/.test(indexText) || Number(indexText) > 999) {
    return invalidRequest('segment_index must be an integer from 0 to 999.', 'segment_index');
  }
  if (!mediaPart || mediaPart.data.length === 0) {
    return invalidRequest('The multipart body needs a non-empty "media" part with the bytes.', 'media');
  }
  const index = Number(indexText);
  const others = [...media.segments].filter(([i]) => i !== index).reduce((sum, [, b]) => sum + b.length, 0);
  if (others + mediaPart.data.length > media.total_bytes) {
    return invalidRequest(
      `Segments add up to ${others + mediaPart.data.length} bytes, more than total_bytes ${media.total_bytes}.`,
      'media',
    );
  }
  media.segments.set(index, Buffer.from(mediaPart.data));
  return {
    status: 200,
    body: { data: { expires_at: Math.floor(media.created_ms / 1000) + EXPIRES_AFTER_S } },
  };
}

function startProcessing(state, media) {
  const mode = state.mediaProcessing;
  const processed = mode === 'always' || mode === 'fail' || (mode === 'gif' && media.media_type === 'image/gif');
  media.processing = processed ? { state: 'pending', fails: mode === 'fail' } : null;
}

function completeUpload(state, media, bytes) {
  media.finalized = true;
  media.size = bytes.length;
  media.sha256 = createHash('sha256').update(bytes).digest('hex');
  media.segments.clear();
  startProcessing(state, media);
}

/** POST /2/media/upload/{id}/finalize */
export function finalize(state, ctx) {
  const { media, problem } = ownMedia(state, ctx.account, ctx.params.id);
  if (problem) return problem;
  if (media.finalized) return invalidRequest(`Media ${media.id} is already finalized.`);
  const indices = [...media.segments.keys()].sort((a, b) => a - b);
  const missing = indices.findIndex((index, position) => index !== position);
  if (missing !== -1) return invalidRequest(`Segment ${missing} of media ${media.id} never arrived.`);
  const bytes = Buffer.concat(indices.map((i) => media.segments.get(i)));
  if (bytes.length !== media.total_bytes) {
    return invalidRequest(`Received ${bytes.length} of the ${media.total_bytes} bytes announced in total_bytes.`);
  }
  const sniffed = sniffImageType(bytes);
  if (sniffed !== media.media_type) {
    return invalidRequest(`The uploaded bytes are ${sniffed ?? 'not an image'}, but media_type said ${media.media_type}.`);
  }
  completeUpload(state, media, bytes);
  return { status: 200, body: { data: mediaSummary(state, media) } };
}

/** GET /2/media/upload?command=STATUS&media_id=ID: each call moves processing one step on. */
export function status(state, ctx) {
  const command = ctx.searchParams.get('command');
  if (command !== 'STATUS') return invalidRequest('command must be STATUS.', 'command');
  const { media, problem } = ownMedia(state, ctx.account, ctx.searchParams.get('media_id'), 'media_id');
  if (problem) return problem;
  if (!media.finalized) return invalidRequest(`Media ${media.id} is not finalized yet.`, 'media_id');
  const processing = media.processing;
  if (processing?.state === 'pending') processing.state = 'in_progress';
  else if (processing?.state === 'in_progress') processing.state = processing.fails ? 'failed' : 'succeeded';
  const data = mediaSummary(state, media);
  data.processing_info = processingInfo(processing ?? { state: 'succeeded' }, state.checkAfterSecs);
  return { status: 200, body: { data } };
}

/** POST /2/media/upload: one-shot multipart upload (media, media_category). */
export function uploadOneShot(state, ctx) {
  let parts;
  try {
    parts = parseMultipart(ctx.body, ctx.contentType);
  } catch (err) {
    return invalidRequest(`Upload needs a multipart/form-data body: ${err.message}.`);
  }
  const field = (name) => parts.find((p) => p.name === name)?.data.toString('utf8');
  const mediaPart = parts.find((p) => p.name === 'media');
  if (!mediaPart || mediaPart.data.length === 0) {
    return invalidRequest('The multipart body needs a non-empty "media" part with the bytes.', 'media');
  }
  const sniffed = sniffImageType(mediaPart.data);
  if (!sniffed) return invalidRequest(`The uploaded bytes are not one of ${MEDIA_TYPES.join(', ')}.`, 'media');
  const declared = field('media_type');
  if (declared !== undefined && declared !== sniffed) {
    return invalidRequest(`The uploaded bytes are ${sniffed}, but media_type said ${declared}.`, 'media_type');
  }
  const category = field('media_category');
  if (category !== undefined && !CATEGORIES.includes(category)) {
    return invalidRequest(`media_category must be one of ${CATEGORIES.join(', ')}.`, 'media_category');
  }
  const limit = maxBytes(sniffed, category);
  if (mediaPart.data.length > limit) {
    return invalidRequest(`The file is over the ${limit / MB} MB limit for ${sniffed}.`, 'media');
  }
  const media = newMedia(state, ctx.account, sniffed, category, mediaPart.data.length);
  completeUpload(state, media, mediaPart.data);
  return { status: 200, body: { data: mediaSummary(state, media) } };
}

/** POST /2/media/metadata {"id", "metadata": {"alt_text": {"text"}}} */
export function metadata(state, ctx) {
  const { value, problem } = jsonObjectBody(ctx.body, ctx.contentType);
  if (problem) return problem;
  const owned = ownMedia(state, ctx.account, value.id);
  if (owned.problem) return owned.problem;
  const text = value.metadata?.alt_text?.text;
  if (typeof text !== 'string') {
    return invalidRequest('metadata.alt_text.text must be a string.', 'metadata.alt_text.text');
  }
  const length = [...text].length;
  if (length > ALT_TEXT_MAX_CHARS) {
    return invalidRequest(
      `Alt text is ${length} characters; at most ${ALT_TEXT_MAX_CHARS} are allowed.`,
      'metadata.alt_text.text',
    );
  }
  owned.media.alt_text = text;
  return { status: 200, body: { data: { associated_metadata: true, id: owned.media.id } } };
}

/** A JSON-friendly view of one upload for the control interface. */
export function describeMedia(state, media) {
  return {
    id: media.id,
    media_key: media.media_key,
    owner_id: media.owner_id,
    media_type: media.media_type,
    media_category: media.category,
    total_bytes: media.total_bytes,
    received_bytes: media.finalized ? media.size : [...media.segments.values()].reduce((s, b) => s + b.length, 0),
    finalized: media.finalized,
    sha256: media.sha256,
    processing_state: media.processing?.state ?? null,
    alt_text: media.alt_text,
    created_at_ms: media.created_ms,
    expires_after_secs: expiresAfterS(state, media),
  };
}
