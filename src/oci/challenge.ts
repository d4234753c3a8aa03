// WWW-Authenticate, as RFC 9110 §11.6.1 defines it: one or more challenges, comma-separated,
// each a scheme then either a token68 or auth-params (token "=" token / quoted-string).
// Distribution sends `Bearer realm="…",service="…",scope="repository:x:pull,push"` or
// `Basic realm="…"`; the scope's own commas are why a split on "," is not enough.

export interface Challenge {
  /** Lower case: "basic", "bearer". */
  scheme: string;
  /** Parameter names in lower case; quoted values unescaped. */
  params: Record<string, string>;
  token68?: string;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const TOKEN68 = /[A-Za-z0-9._~+/-]+=*/y;

export function parseWwwAuthenticate(header: string | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  if (!header) return challenges;
  const s = header;
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < s.length && chars.test(s[i]!)) i++;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    i = re.lastIndex;
    return m[0];
  };
  while (i < s.length) {
    skip(/[\s,]/);
    const scheme = match(TOKEN);
    if (scheme === undefined) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(/[ \t]/);
    for (;;) {
      const start = i;
      const name = match(TOKEN);
      if (name === undefined) break;
      skip(/[ \t]/);
      if (s[i] !== "=") {
        i = start; // a token not followed by "=": the next challenge's scheme
        break;
      }
      i++;
      skip(/[ \t]/);
      const value = s[i] === '"' ? quoted() : match(TOKEN);
      if (value === undefined) {
        // "abc==" style token68: the "=" signs were padding, not a parameter.
        i = start;
        challenge.token68 = match(TOKEN68);
        skip(/[ \t]/);
        if (s[i] === ",") i++;
        break;
      }
      challenge.params[name.toLowerCase()] = value;
      skip(/[ \t]/);
      if (s[i] !== ",") break;
      i++;
      skip(/[ \t]/);
    }
  }
  return challenges;

  function quoted(): string {
    let out = "";
    i++; // opening quote
    while (i < s.length && s[i] !== '"') {
      if (s[i] === "\\" && i + 1 < s.length) i++;
      out += s[i];
      i++;
    }
    i++; // closing quote
    return out;
  }
}
