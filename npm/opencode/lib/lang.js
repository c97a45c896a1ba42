// The language OpenCode runs in, for the report when the user has not
// chosen one with MYSTATUS_LANG.

/**
 * The plugin option `lang` wins, then OpenCode's POSIX locale variables
 * (LC_ALL, LC_MESSAGES, LANG, in POSIX precedence), then the runtime's
 * Intl locale. "C"/"POSIX" mean no language. Returns a BCP 47 tag such as
 * "zh-CN", or undefined. When MYSTATUS_LANG is set the user has chosen:
 * undefined, so the server applies it.
 * @param {Record<string, string | undefined>} env
 * @param {{lang?: unknown}} [options]
 * @param {() => string | undefined} [intlLocale]
 * @returns {string | undefined}
 */
export function openCodeLang(env, options = {}, intlLocale = defaultIntl) {
  if (typeof options.lang === "string" && options.lang.trim()) return options.lang.trim();
  if (env.MYSTATUS_LANG) return undefined;
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"]) {
    const v = env[name];
    if (!v) continue;
    // The first one set decides; "C"/"POSIX" there means no language.
    return posixToTag(v);
  }
  const intl = intlLocale();
  return intl && intl !== "und" ? intl : undefined;
}

/** "zh_CN.UTF-8@x" → "zh-CN"; "C", "POSIX" → undefined. @param {string} v */
export function posixToTag(v) {
  const base = v.split(/[.@]/)[0];
  if (!/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/.test(base) || base === "C" || base === "POSIX") return undefined;
  return base.replace(/_/g, "-");
}

function defaultIntl() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().locale;
  } catch {
    return undefined;
  }
}
