// X's 2026 reply restriction (D8): since 2026-02-23 a self-serve app may reply only to posts
// its user wrote or is mentioned in. A reply to anyone else's post gets a 403 whose text live
// 2026 responses quote; Keypost's threads reply to the user's own posts, which stays allowed.

import twitterText from 'twitter-text';

export const REPLY_RESTRICTED_DETAIL = 'You can only reply to or quote posts where you are mentioned or are the author.';

/** X's 403 for a reply to a post the user neither wrote nor is mentioned in. */
export function replyRestricted() {
  return {
    status: 403,
    body: {
      detail: REPLY_RESTRICTED_DETAIL,
      type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
      title: 'Forbidden',
      status: 403,
    },
  };
}

/** Whether `account` may reply to `target` (a recorded post): its author, or mentioned in it. */
export function mayReplyTo(account, target) {
  if (target.user_id === account.id) return true;
  const mentioned = twitterText.extractMentions(target.text).map((m) => m.toLowerCase());
  return mentioned.includes(account.username.toLowerCase());
}
