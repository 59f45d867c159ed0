// The devstack's OpenID Connect provider: oidc-provider (a certified implementation)
// with Sharik's demo users, our own bilingual login page, and access tokens as JWTs
// carrying the claims the services read (roles, agency, governorate, wilayat, birthdate).
//
// Configured by the environment (devstack/devstack/oidc.py sets it):
//   OIDC_NODE_MODULES                  where `npm ci` installed package-lock.json
//   OIDC_HOST, OIDC_PORT               where it listens (default 127.0.0.1:8090)
//   OIDC_ISSUER                        the issuer URL, as browsers reach it
//   OIDC_KEYS_FILE                     JWKS with private keys, made on first start; the
//                                      first key of each type signs
//   OIDC_KEPT_KEYS                     ES256 keys still published after a rotation (default 3)
//   OIDC_USERS_FILE                    the demo users (devstack/oidc/demo-users.json)
//   OIDC_CLIENTS                       JSON list of clients (client_id, client_secret,
//                                      redirect_uris, post_logout_redirect_uris,
//                                      loopback_paths: any 127.0.0.1 port allowed on these paths)
//   OIDC_AUDIENCE                      the access tokens' aud (default "sharik")
//   OIDC_COOKIE_KEYS                   comma-separated secrets signing the provider's cookies
// Keys rotate without a restart: SIGUSR2 puts a new ES256 key first (it signs from then
// on; the previous ones stay published so tokens signed with them stay valid), SIGHUP
// re-reads a keys file changed by hand. Sessions, codes and grants survive both, since
// the memory adapter's storage is shared by every Provider instance of the process.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { page, loginPage, logoutPage, loggedOutPage, errorPage, language } from './pages.mjs';

const env = process.env;
// Installed by `npm ci` into the cache, outside the clone (OIDC_NODE_MODULES).
const { default: Provider } = await import(
  pathToFileURL(join(env.OIDC_NODE_MODULES, 'oidc-provider', 'lib', 'index.js')).href
);
const port = Number(env.OIDC_PORT || 8090);
const issuer = env.OIDC_ISSUER || `http://127.0.0.1:${port}`;
const audience = env.OIDC_AUDIENCE || 'sharik';
const resource = 'urn:sharik:services';
const clients = JSON.parse(env.OIDC_CLIENTS || '[]');
const demo = JSON.parse(readFileSync(env.OIDC_USERS_FILE, 'utf8'));
const users = new Map(demo.users.map((user) => [user.username, user]));
const bySubject = new Map(demo.users.map((user) => [user.sub, user]));

function sameText(a, b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function authenticate(username, password) {
  const user = users.get(username.trim());
  return user && sameText(password, demo.password) ? user : undefined;
}

// The claims each token carries; undefined ones are left out.
function serviceClaims(user) {
  const claims = {
    roles: user.roles,
    agency: user.agency,
    governorate: user.governorate,
    wilayat: user.wilayat,
    birthdate: user.birthdate,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

function isLoopbackOn(value, paths) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const loopback = url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]');
  return loopback && !url.username && !url.password && paths.some((path) => url.pathname === path);
}

function configuration(jwks) {
  return {
    clients: clients.map(({ loopback_paths: _, ...client }) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      ...client,
    })),
    jwks,
    cookies: { keys: (env.OIDC_COOKIE_KEYS || 'dev-only-cookie-key').split(',') },
    pkce: { required: () => true },
    scopes: ['openid', 'profile'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'name#ar', 'name#en', 'locale', 'birthdate'],
    },
    // The portal shows the name and language from the ID token alone.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const user = bySubject.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: user.name[user.locale],
          'name#ar': user.name.ar,
          'name#en': user.name.en,
          locale: user.locale,
          birthdate: user.birthdate,
        }),
      };
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = logoutPage(language(ctx), form, Boolean(ctx.oidc.params.id_token_hint));
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = loggedOutPage(language(ctx));
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every access token is for the services, whether or not the client names them.
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new Provider.errors.InvalidTarget();
          return {
            scope: 'sharik',
            audience,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const user = token.kind === 'AccessToken' && bySubject.get(token.accountId);
      return user ? serviceClaims(user) : undefined;
    },
    // Sharik's portal is first party: signing in is consent, so no consent page.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      const grant = grantId
        ? await ctx.oidc.provider.Grant.find(grantId)
        : new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      grant.addOIDCClaims(['name', 'name#ar', 'name#en', 'locale', 'birthdate']);
      grant.addResourceScope(resource, 'sharik');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(language(ctx), out);
    },
    ttl: { AccessToken: 60 * 60, Session: 8 * 60 * 60, Interaction: 30 * 60, Grant: 8 * 60 * 60, IdToken: 60 * 60, AuthorizationCode: 60 },
  };
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Our login page, on the provider's own Koa app.
function interactionRoutes(provider) {
  return async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
    if (!match) return next();
    ctx.set('cache-control', 'no-store');
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
      if (details.uid !== match[1]) throw new Provider.errors.SessionNotFound('interaction does not match');
    } catch (error) {
      // An expired sign-in, or another browser's link: say so and let them start again.
      ctx.status = error.statusCode || 400;
      ctx.type = 'html';
      ctx.body = errorPage(language(ctx), { error: error.error || 'invalid_request', error_description: error.error_description });
      return undefined;
    }
    const lang = language(ctx, details.params.ui_locales);
    if (ctx.method === 'GET' && !match[2]) {
      ctx.type = 'html';
      ctx.body = loginPage(lang, { action: `/interaction/${details.uid}/login` });
      return undefined;
    }
    if (ctx.method === 'POST' && match[2]) {
      const form = await readForm(ctx.req);
      const username = form.get('username') || '';
      const user = authenticate(username, form.get('password') || '');
      if (!user) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = loginPage(lang, { action: `/interaction/${details.uid}/login`, username, failed: true });
        return undefined;
      }
      const returnTo = await provider.interactionResult(
        ctx.req, ctx.res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false },
      );
      ctx.status = 303;
      ctx.redirect(returnTo);
      return undefined;
    }
    ctx.status = 405;
    ctx.type = 'html';
    ctx.body = page(lang, 'Method not allowed', '<p>405</p>');
    return undefined;
  };
}

function newKey(type) {
  const { privateKey } = type === 'EC'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alg = type === 'EC' ? 'ES256' : 'RS256';
  return { ...privateKey.export({ format: 'jwk' }), kid: `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}`, alg, use: 'sig' };
}

function writeKeys(jwks) {
  const temporary = `${env.OIDC_KEYS_FILE}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify(jwks), { mode: 0o600 });
  renameSync(temporary, env.OIDC_KEYS_FILE); // atomic: never half a key set
}

function readKeys() {
  if (!existsSync(env.OIDC_KEYS_FILE)) writeKeys({ keys: [newKey('EC'), newKey('RSA')] });
  return JSON.parse(readFileSync(env.OIDC_KEYS_FILE, 'utf8'));
}

function rotateKeys() {
  const { keys } = readKeys();
  const kept = keys.filter((key) => key.kty === 'EC').slice(0, Number(env.OIDC_KEPT_KEYS || 3) - 1);
  writeKeys({ keys: [newKey('EC'), ...kept, ...keys.filter((key) => key.kty !== 'EC')] });
}

function build() {
  const jwks = readKeys();
  const provider = new Provider(issuer, configuration(jwks));
  const loopbackPaths = new Map(clients.map((client) => [client.client_id, client.loopback_paths || []]));
  for (const method of ['redirectUriAllowed', 'postLogoutRedirectUriAllowed']) {
    const exact = provider.Client.prototype[method];
    provider.Client.prototype[method] = function allowed(value) {
      return exact.call(this, value) || isLoopbackOn(value, loopbackPaths.get(this.clientId) || []);
    };
  }
  provider.use(interactionRoutes(provider));
  return { handle: provider.callback(), kids: jwks.keys.map((key) => key.kid) };
}

let current = build();
function reload(change) {
  try {
    change();
    current = build();
    console.log(`keys: ${current.kids.join(', ')}`);
  } catch (error) {
    console.error(`keys not changed, keeping the previous ones: ${error.message}`);
  }
}
process.on('SIGHUP', () => reload(() => {}));
process.on('SIGUSR2', () => reload(rotateKeys));
process.on('SIGTERM', () => process.exit(0));

createServer((req, res) => current.handle(req, res)).listen(port, env.OIDC_HOST || '127.0.0.1', () => {
  console.log(`OpenID provider ${issuer} (keys ${current.kids.join(', ')})`);
});
