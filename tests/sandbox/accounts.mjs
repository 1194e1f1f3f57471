// Demo apps and accounts known to the X sandbox.
//
// Every key below is a fixed, made-up string shaped like the real thing (API key 25
// letters/digits, API secret 50, access token `<user id>-<40>`, token secret 45), so the
// demo can print them and tests can import them. None of them works anywhere but here.

/** Developer apps. `enrolled`: attached to a project; `credits`: pay-per-use balance left. */
export const APPS = Object.freeze([
  Object.freeze({
    id: '29114578',
    name: 'Keypost Demo',
    consumerKey: '6aN3aorR7lQZWcr8VWXu4a0Jc',
    consumerSecret: 'hQqAH1RWnfvceLCE8YmNfmGYTMLuPrbvuGgXAJ6SYpgpzzvsXo',
    enrolled: true,
    credits: true,
  }),
  Object.freeze({
    id: '29114583',
    name: 'Keypost No Credits',
    consumerKey: 'ixg8ZDnzfCs31SRZrjMwrNBON',
    consumerSecret: 'i5jlSBb2WSdFywBJfunVvnGth9hYBkGwi9w9LTP9UFen4DNpGg',
    enrolled: true,
    credits: false,
  }),
  Object.freeze({
    id: '29114590',
    name: 'Keypost Unenrolled',
    consumerKey: 'fFVqlBdDiqqTa1KpSK7m4udYP',
    consumerSecret: 'EOxh4SMwsuUsiJ6kcf9pzTKq2Hyfab63FaBFk5EMyw9tDAoJlm',
    enrolled: false,
    credits: true,
  }),
]);

/** The old Free tier's app-wide 24-hour allowance: a legacy account's app limit by default. */
export const LEGACY_APP_LIMIT_24H = 17;

const DEMO_APP = APPS[0];
const NO_CREDITS_APP = APPS[1];
const UNENROLLED_APP = APPS[2];

function account({ app, id, username, name, tokenTail, tokenSecret, accessLevel, limit24h, premium, purpose, tier = 'pay_per_use' }) {
  return Object.freeze({
    id,
    username,
    name,
    appId: app.id,
    appName: app.name,
    apiKey: app.consumerKey,
    apiSecret: app.consumerSecret,
    accessToken: `${id}-${tokenTail}`,
    accessTokenSecret: tokenSecret,
    accessLevel,
    limit24h,
    premium,
    tier,
    purpose,
  });
}

/**
 * Demo accounts, each with the four values a user pastes into Keypost. Every account is on
 * pay-per-use (no 24-hour headers) unless it says `tier: 'legacy'`; `limit24h` is the user's
 * 24-hour allowance once on the legacy tier (17 on the old Free plan).
 */
export const ACCOUNTS = Object.freeze([
  account({
    app: DEMO_APP,
    id: '1872382678959093116',
    username: 'keypost_demo',
    name: 'Keypost Demo',
    tokenTail: '48nx09T2LWUx1LMfdhts5UOUgBe3WEe7peJmxlYs',
    tokenSecret: 'OYuXP3p9yelHIKZbGeeqnetm2ke6lbmSMBf5REfju5Wjx',
    accessLevel: 'read-write',
    limit24h: 17,
    premium: false,
    purpose: 'the everyday account: read-write, pay-per-use (100 posts per 15 minutes, no daily headers)',
  }),
  account({
    app: DEMO_APP,
    id: '1836847816423878634',
    username: 'keypost_second',
    name: 'Keypost Second',
    tokenTail: 'QzXxhtWS9VIDmLnrxQXYAobdnGuJRcbp40KSLdDT',
    tokenSecret: '3WYR9F8XKZu6kHmDGl2uvYGslO0SApU7SwEJO2Od8dUh9',
    accessLevel: 'read-write',
    limit24h: 17,
    premium: false,
    purpose: 'a second read-write account in the same app, for multi-account use',
  }),
  account({
    app: DEMO_APP,
    id: '1817759349074073993',
    username: 'keypost_readonly',
    name: 'Keypost Read-only',
    tokenTail: 'onLhq2rZNy3ZutHrXPCWEMjKC4IfUmza7SJ6MC6j',
    tokenSecret: 'ngqL04jLuduxpCGLmZl9kw9xgSigYnC1iuza3wEO2uLeO',
    accessLevel: 'read',
    limit24h: 17,
    premium: false,
    purpose: 'token with Read permission: verifies, but posting gives 403 oauth1-permissions',
  }),
  account({
    app: NO_CREDITS_APP,
    id: '1897620998754178354',
    username: 'keypost_nocredits',
    name: 'Keypost No Credits',
    tokenTail: '5XbzJPHBJg3ZR6a8mOvYiTWhWN9JcOA7G5fzIa1q',
    tokenSecret: 'CiXWYS4ZQ3agRntEljJuX98h8f4P9QlAVeNx6we8soxhl',
    accessLevel: 'read-write',
    limit24h: 17,
    premium: false,
    purpose: 'app without credits: every call gets 402 CreditsDepleted',
  }),
  account({
    app: UNENROLLED_APP,
    id: '1856152995887398790',
    username: 'keypost_unenrolled',
    name: 'Keypost Unenrolled',
    tokenTail: 'NeJXpOasYaIuDWI9Vsns0Oik7KprKWx3oY8sNdUO',
    tokenSecret: '0NZZ7wT5CRi9WIJ6KEmBGYMsN6FsszN9sSa4FSkBrW2O9',
    accessLevel: 'read-write',
    limit24h: 17,
    premium: false,
    purpose: 'app not attached to a project: every call gets 403 client-not-enrolled',
  }),
  account({
    app: DEMO_APP,
    id: '1892738020226569206',
    username: 'keypost_premium',
    name: 'Keypost Premium',
    tokenTail: '7zA5SycznipctWTjeKx5A43M46b1hapLqS81or4j',
    tokenSecret: 'BXzXtaprkGRLRnm0m7V03iVsVsNOpxDzp029G2sEY29pJ',
    accessLevel: 'read-write',
    limit24h: 17,
    premium: true,
    purpose: 'premium account: posts up to 25,000 weighted characters',
  }),
  account({
    app: DEMO_APP,
    id: '1815045861062844520',
    username: 'keypost_limited',
    name: 'Keypost Limited',
    tokenTail: 'Pv3uMByyoK7ZrC5Qu8vCramTsVv7qh8hfyH1hkCx',
    tokenSecret: '32bISvkkTGCq8vNQQtSkqK94VGDF2wYYaGHrEQ3sdVzWu',
    accessLevel: 'read-write',
    limit24h: 3,
    premium: false,
    tier: 'legacy',
    purpose: 'legacy tier, only 3 posts per 24 hours, to reach the 24-hour limit quickly',
  }),
]);

/** The account with this username, or undefined. */
export function accountByUsername(username) {
  return ACCOUNTS.find((a) => a.username === username);
}

/** The app with this consumer key (API Key), or undefined. */
export function appByConsumerKey(consumerKey) {
  return APPS.find((a) => a.consumerKey === consumerKey);
}

/** The account with this access token, or undefined. */
export function accountByAccessToken(accessToken) {
  return ACCOUNTS.find((a) => a.accessToken === accessToken);
}
