// POST /2/tweets and GET /2/users/me.

import twitterText from 'twitter-text';
import { jsonObjectBody } from './body.mjs';
import { dailyHeaders, dailySpent, postsInLastDay } from './limits.mjs';
import { isReadyForPost } from './media.mjs';
import {
  cashtagLimit,
  duplicateContent,
  invalidRequest,
  notPermitted,
  oauth1Permissions,
  tooManyRequests,
} from './problems.mjs';
import { mayReplyTo, replyRestricted } from './replies.mjs';
import { nextId, nowMs } from './state.mjs';

/** Weighted length limits: everyone, and premium accounts. */
export const MAX_WEIGHTED_LENGTH = 280;
export const PREMIUM_MAX_WEIGHTED_LENGTH = 25000;

/** GET /2/users/me (optional user.fields=profile_image_url,verified,verified_type). */
export function usersMe(state, ctx) {
  const account = ctx.account;
  const fields = (ctx.searchParams.get('user.fields') || '').split(',').map((f) => f.trim());
  const data = { id: account.id, name: account.name, username: account.username };
  if (fields.includes('profile_image_url')) data.profile_image_url = `${ctx.baseUrl}/avatars/${account.id}.png`;
  if (fields.includes('verified')) data.verified = account.premium;
  if (fields.includes('verified_type')) data.verified_type = account.premium ? 'blue' : 'none';
  return { status: 200, body: { data } };
}

/** Checks the reply, media and poll parts of a post body; returns a 400 problem or null. */
function checkAttachments(state, account, post) {
  if (post.text !== undefined && typeof post.text !== 'string') {
    return invalidRequest('text must be a string.', 'text');
  }
  if (post.reply !== undefined) {
    const target = post.reply?.in_reply_to_tweet_id;
    if (typeof target !== 'string' || !state.posts.some((p) => p.id === target)) {
      return invalidRequest(
        `reply.in_reply_to_tweet_id ${JSON.stringify(target)} is not a post that exists.`,
        'reply.in_reply_to_tweet_id',
      );
    }
  }
  const exclusive = ['media', 'poll', 'quote_tweet_id'].filter((k) => post[k] !== undefined);
  if (exclusive.length > 1) {
    return invalidRequest(`${exclusive.join(' and ')} cannot be used together in one post.`, exclusive[0]);
  }
  if (post.media !== undefined) {
    const ids = post.media?.media_ids;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 4) {
      return invalidRequest('media.media_ids must hold 1 to 4 media ids.', 'media.media_ids');
    }
    for (const id of ids) {
      const media = typeof id === 'string' ? state.media.get(id) : undefined;
      if (!media || media.owner_id !== account.id || !isReadyForPost(media)) {
        return invalidRequest(
          `media id ${JSON.stringify(id)} is not a finalized, processed upload of this account.`,
          'media.media_ids',
        );
      }
    }
    if (new Set(ids).size !== ids.length) {
      return invalidRequest('media.media_ids has the same id twice.', 'media.media_ids');
    }
    // "Up to 4 photos, 1 animated GIF or 1 video" (X's best practices, D7): a GIF goes alone.
    const gifs = ids.filter((id) => state.media.get(id).media_type === 'image/gif').length;
    if (gifs > 0 && ids.length > 1) {
      return invalidRequest('An animated GIF cannot be combined with other media in one post.', 'media.media_ids');
    }
  }
  if (post.poll !== undefined) {
    const options = post.poll?.options;
    const minutes = post.poll?.duration_minutes;
    const optionsOk =
      Array.isArray(options) &&
      options.length >= 2 &&
      options.length <= 4 &&
      options.every((o) => typeof o === 'string' && [...o].length >= 1 && [...o].length <= 25);
    if (!optionsOk) return invalidRequest('poll.options must be 2 to 4 strings of 1 to 25 characters.', 'poll.options');
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 10080) {
      return invalidRequest('poll.duration_minutes must be an integer from 5 to 10080.', 'poll.duration_minutes');
    }
  }
  return null;
}

/** Whether `text` is within the account's weighted length (twitter-text v3). */
function lengthAllowed(text, account) {
  const max = account.premium ? PREMIUM_MAX_WEIGHTED_LENGTH : MAX_WEIGHTED_LENGTH;
  const parsed = twitterText.parseTweet(text, { ...twitterText.configs.version3, maxWeightedTweetLength: max });
  return parsed.valid;
}

/** POST /2/tweets: every answer carries the 24-hour headers of the account's tier (none on pay-per-use). */
export function createPost(state, ctx) {
  const result = decidePost(state, ctx);
  result.headers = { ...dailyHeaders(state, ctx.account), ...result.headers };
  return result;
}

/** X's rules for a post, in X's order. */
function decidePost(state, ctx) {
  const account = ctx.account;
  if (account.accessLevel === 'read') return oauth1Permissions();

  const daily = dailyHeaders(state, account);
  if (dailySpent(daily)) return tooManyRequests(daily);

  const { value: post, problem } = jsonObjectBody(ctx.body, ctx.contentType);
  if (problem) return problem;
  const attachmentProblem = checkAttachments(state, account, post);
  if (attachmentProblem) return attachmentProblem;
  const target = post.reply && state.posts.find((p) => p.id === post.reply.in_reply_to_tweet_id);
  if (target && !mayReplyTo(account, target)) return replyRestricted();

  const text = post.text ?? '';
  const hasMedia = post.media !== undefined;
  if (text.trim() === '' && !hasMedia) return notPermitted();
  if (text !== '' && !lengthAllowed(text, account)) return notPermitted();
  // Self-serve tiers, 2026 (D10): at most one $CASHTAG per post.
  if (twitterText.extractCashtags(text).length > 1) return cashtagLimit();
  if (text !== '' && postsInLastDay(state, account.id).some((p) => p.text === text)) return duplicateContent();

  const record = {
    id: nextId(state),
    user_id: account.id,
    username: account.username,
    app_id: account.appId,
    legacy: account.tier === 'legacy',
    text,
    reply_to: post.reply?.in_reply_to_tweet_id ?? null,
    media: (post.media?.media_ids ?? []).map((id) => {
      const media = state.media.get(id);
      return {
        id,
        media_type: media.media_type,
        bytes: media.size,
        sha256: media.sha256,
        alt_text: media.alt_text,
      };
    }),
    poll: post.poll ?? null,
    created_at_ms: nowMs(state),
  };
  state.posts.push(record);
  return { status: 201, body: { data: { id: record.id, text } } };
}
