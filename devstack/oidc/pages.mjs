// The provider's pages (sign in, sign out, errors) in Arabic (right to left, the
// default) and English: no external assets, landmarks, labelled fields.

const TEXT = {
  ar: {
    dir: 'rtl',
    site: 'شارك — تسجيل الدخول الموحد',
    other: { code: 'en', name: 'English' },
    title: 'تسجيل الدخول',
    intro: 'سجّل الدخول للمشاركة في الاستشارات والتصويت وتقديم الشكاوى.',
    username: 'اسم المستخدم',
    password: 'كلمة المرور',
    submit: 'دخول',
    failed: 'اسم المستخدم أو كلمة المرور غير صحيحة. حاول مرة أخرى.',
    demo: 'هذا مزوّد هوية تجريبي للتطوير؛ المستخدمون التجريبيون وكلمة مرورهم في ملف README.',
    logoutTitle: 'تسجيل الخروج',
    logoutIntro: 'هل تريد تسجيل الخروج من شارك؟',
    logoutSubmit: 'تسجيل الخروج',
    loggedOut: 'تم تسجيل خروجك.',
    errorTitle: 'تعذّر إكمال الطلب',
    language: 'اللغة',
  },
  en: {
    dir: 'ltr',
    site: 'Sharik — single sign-on',
    other: { code: 'ar', name: 'العربية' },
    title: 'Sign in',
    intro: 'Sign in to take part in consultations, vote and file complaints.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    failed: 'The username or password is not right. Please try again.',
    demo: 'This is a development identity provider; the demo users and their password are in the README.',
    logoutTitle: 'Sign out',
    logoutIntro: 'Do you want to sign out of Sharik?',
    logoutSubmit: 'Sign out',
    loggedOut: 'You are signed out.',
    errorTitle: 'The request could not be completed',
    language: 'Language',
  },
};

// The page's language: ?lang= (the switch link), the client's ui_locales, the
// browser's Accept-Language, else Arabic.
export function language(ctx, uiLocales) {
  const asked = [ctx.query.lang, ...(uiLocales || ctx.oidc?.params?.ui_locales || '').split(' ')];
  const chosen = asked.map((tag) => (tag || '').slice(0, 2).toLowerCase()).find((code) => code in TEXT);
  return chosen || (ctx.get('accept-language') && ctx.acceptsLanguages('ar', 'en')) || 'ar';
}

function escape(value) {
  return String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function withLang(url, lang) {
  const [path, query] = url.split('?');
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  return `${path}?${params}`;
}

const STYLE = `
  body { font-family: system-ui, "Noto Sans Arabic", "Segoe UI", Tahoma, sans-serif; margin: 0; background: #f4f6f8; color: #1b1f23; line-height: 1.6; }
  header { background: #0b4f6c; color: #fff; padding: 0.75rem 1.25rem; display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
  header a { color: #fff; }
  .site { font-weight: 700; margin: 0; font-size: 1.05rem; }
  main { max-width: 26rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { margin-top: 0; font-size: 1.5rem; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { width: 100%; box-sizing: border-box; font: inherit; padding: 0.6rem; border: 1px solid #5a6570; border-radius: 4px; margin-top: 0.25rem; }
  input:focus, button:focus, a:focus { outline: 3px solid #f2a900; outline-offset: 2px; }
  button { margin-top: 1.5rem; width: 100%; font: inherit; font-weight: 700; padding: 0.7rem; background: #0b4f6c; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  .error { color: #a4000f; background: #fde8ea; border: 1px solid #a4000f; padding: 0.6rem; border-radius: 4px; }
  footer { text-align: center; color: #4a535c; font-size: 0.9rem; padding: 0 1rem 2rem; }
`;

export function page(lang, title, body, { switchTo } = {}) {
  const text = TEXT[lang];
  const other = switchTo
    ? `<nav aria-label="${escape(text.language)}"><a href="${escape(withLang(switchTo, text.other.code))}" lang="${text.other.code}" hreflang="${text.other.code}">${text.other.name}</a></nav>`
    : '';
  return `<!doctype html>
<html lang="${lang}" dir="${text.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — ${escape(text.site)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><p class="site">${escape(text.site)}</p>${other}</header>
<main>
${body}
</main>
<footer><p>${escape(text.demo)}</p></footer>
</body>
</html>`;
}

export function loginPage(lang, { action, username = '', failed = false }) {
  const text = TEXT[lang];
  const error = failed ? `<p id="login-error" class="error" role="alert">${escape(text.failed)}</p>` : '';
  const described = failed ? ' aria-describedby="login-error" aria-invalid="true"' : '';
  return page(lang, text.title, `<h1>${escape(text.title)}</h1>
<p>${escape(text.intro)}</p>
${error}
<form method="post" action="${escape(withLang(action, lang))}">
<label for="username">${escape(text.username)}</label>
<input id="username" name="username" dir="auto" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escape(username)}"${described}>
<label for="password">${escape(text.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<button type="submit">${escape(text.submit)}</button>
</form>`, { switchTo: action.replace(/\/login$/, '') });
}

// `form` is oidc-provider's hidden confirmation form (it carries the xsrf token);
// with an id_token_hint the request comes from the portal itself, so it submits at once.
export function logoutPage(lang, form, fromClient) {
  const text = TEXT[lang];
  const autoSubmit = fromClient
    ? '<script>document.getElementById("op.logoutForm").requestSubmit(document.getElementById("logout"))</script>'
    : '';
  return page(lang, text.logoutTitle, `<h1>${escape(text.logoutTitle)}</h1>
<p>${escape(text.logoutIntro)}</p>
${form}
<button id="logout" type="submit" form="op.logoutForm" name="logout" value="yes">${escape(text.logoutSubmit)}</button>
${autoSubmit}`);
}

export function loggedOutPage(lang) {
  const text = TEXT[lang];
  return page(lang, text.logoutTitle, `<h1>${escape(text.logoutTitle)}</h1><p>${escape(text.loggedOut)}</p>`);
}

export function errorPage(lang, out) {
  const text = TEXT[lang];
  return page(lang, text.errorTitle, `<h1>${escape(text.errorTitle)}</h1>
<p class="error" role="alert">${escape(out.error)}${out.error_description ? `: ${escape(out.error_description)}` : ''}</p>`);
}
