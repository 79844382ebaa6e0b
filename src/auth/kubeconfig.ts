// Pure decoding and validation of a user-supplied kubeconfig. The inputs module calls this while
// validating inputs, so it must stay synchronous, fast and free of side effects. It never puts any
// part of the kubeconfig into an error message: YAML parser messages quote the offending lines, and
// those lines may hold a token or key, so only the parser's reason and line number are kept.

import { load, YAMLException } from 'js-yaml';

/** A kubeconfig input that cannot be used. The message is one sentence a user can act on. */
export class KubeconfigProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigProblem';
  }
}

export interface DecodedKubeconfig {
  /** The kubeconfig as YAML text (the base64 wrapper, if there was one, is removed). */
  text: string;
  /** Context names in file order. */
  contexts: string[];
  currentContext?: string;
  /** Cluster names in file order. */
  clusters: string[];
  /** Every sensitive value in the file, in each form it can appear in a log. Deduplicated. */
  secrets: string[];
  /** The API server URL for each context name. */
  servers: Record<string, string>;
}

type Mapping = Record<string, unknown>;

function isMapping(v: unknown): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Base64 (standard or URL-safe alphabet). YAML text always contains ':' or whitespace-separated
// words, neither of which survive this test once whitespace is stripped, so the two forms cannot
// be confused.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function unwrapBase64(raw: string): string | undefined {
  const compact = raw.replace(/\s+/g, '');
  if (compact.length < 4 || !BASE64.test(compact)) return undefined;
  const bytes = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  // Decoded garbage (a token pasted by mistake, say) shows up as replacement or control characters.
  // eslint-disable-next-line no-control-regex
  if (text.includes('\uFFFD') || /[\x00-\x08\x0E-\x1F]/.test(text)) return undefined;
  return text;
}

function parseYaml(text: string, wasBase64: boolean): unknown {
  const origin = wasBase64 ? 'the base64-decoded kubeconfig' : 'the kubeconfig';
  try {
    return load(text);
  } catch (err) {
    if (err instanceof YAMLException) {
      const line = err.mark ? ` at line ${err.mark.line + 1}` : '';
      throw new KubeconfigProblem(`${origin} is not valid YAML${line}: ${err.reason}.`);
    }
    throw err;
  }
}

/** A named list entry such as `clusters: [{name, cluster: {...}}]`, checked for shape. */
function namedEntries(doc: Mapping, list: string, body: string): Array<{ name: string; body: Mapping }> {
  const value = doc[list];
  if (!Array.isArray(value) || value.length === 0) {
    throw new KubeconfigProblem(
      `the kubeconfig has no ${list} (a kubeconfig needs clusters, contexts and users).`
    );
  }
  return value.map((entry: unknown, i) => {
    if (!isMapping(entry) || typeof entry.name !== 'string' || entry.name === '') {
      throw new KubeconfigProblem(`entry ${i + 1} of ${list} in the kubeconfig has no name.`);
    }
    const inner = entry[body];
    if (!isMapping(inner)) {
      throw new KubeconfigProblem(`${body} "${entry.name}" in the kubeconfig has no "${body}" section.`);
    }
    return { name: entry.name, body: inner };
  });
}

// Keys under `users[].user` whose values are credentials.
const SECRET_USER_KEYS = ['token', 'password', 'client-key-data', 'client-certificate-data'];
// Keys ending in -data hold base64 of PEM; the decoded form and its lines can leak separately.
const PEM_DATA_KEYS = ['client-key-data', 'client-certificate-data'];
// exec plugin env vars and auth-provider config keys with these words in their names carry secrets.
const SECRET_NAME = /token|secret|password|passwd|key|credential|auth/i;

function addString(out: Set<string>, v: unknown): void {
  if (typeof v === 'string' && v.trim() !== '') out.add(v.trim());
}

function addPemData(out: Set<string>, v: unknown): void {
  if (typeof v !== 'string' || v.trim() === '') return;
  const b64 = v.replace(/\s+/g, '');
  out.add(b64);
  const pem = Buffer.from(b64, 'base64').toString('utf8');
  if (pem.trim() === '') return;
  out.add(pem.trim());
  // The runner masks single lines; a key printed line by line (or one line of it in an error) must
  // still be hidden. Armor lines (-----BEGIN ...) are not secret and masking them only garbles logs.
  for (const line of pem.split(/\r?\n/)) {
    const l = line.trim();
    if (l.length > 8 && !l.startsWith('-----')) out.add(l);
  }
}

function collectUserSecrets(user: Mapping, out: Set<string>): void {
  for (const key of SECRET_USER_KEYS) {
    if (PEM_DATA_KEYS.includes(key)) addPemData(out, user[key]);
    else addString(out, user[key]);
  }
  const provider = user['auth-provider'];
  if (isMapping(provider) && isMapping(provider.config)) {
    for (const [k, v] of Object.entries(provider.config)) if (SECRET_NAME.test(k)) addString(out, v);
  }
  const exec = user.exec;
  if (isMapping(exec) && Array.isArray(exec.env)) {
    for (const e of exec.env as unknown[]) {
      if (isMapping(e) && typeof e.name === 'string' && SECRET_NAME.test(e.name)) addString(out, e.value);
    }
  }
  // A bare token sometimes appears base64-encoded (it is stored that way in Secrets); mask that form too.
  if (typeof user.token === 'string' && user.token.trim() !== '') {
    out.add(Buffer.from(user.token.trim()).toString('base64'));
  }
}

/**
 * Decodes a kubeconfig given as YAML (or JSON) text or as base64 of it (line-wrapped base64 is fine),
 * and checks it is internally consistent. Throws KubeconfigProblem otherwise.
 */
export function decodeKubeconfig(raw: string): DecodedKubeconfig {
  if (raw.trim() === '') throw new KubeconfigProblem('the kubeconfig is empty.');
  const unwrapped = unwrapBase64(raw);
  const text = unwrapped ?? raw;
  const doc = parseYaml(text, unwrapped !== undefined);
  if (!isMapping(doc)) {
    throw new KubeconfigProblem(
      'the kubeconfig is neither kubeconfig YAML nor base64 of it (expected a mapping with clusters, contexts and users).'
    );
  }
  if (doc.kind !== undefined && doc.kind !== 'Config') {
    throw new KubeconfigProblem(
      `the kubeconfig has kind "${String(doc.kind)}"; a kubeconfig has kind "Config".`
    );
  }

  const clusters = namedEntries(doc, 'clusters', 'cluster');
  const users = namedEntries(doc, 'users', 'user');
  const contexts = namedEntries(doc, 'contexts', 'context');

  const serverOf = new Map<string, string>();
  for (const c of clusters) {
    const server = c.body.server;
    if (typeof server !== 'string' || !/^https?:\/\/./.test(server)) {
      throw new KubeconfigProblem(`cluster "${c.name}" in the kubeconfig has no server URL (https://...).`);
    }
    serverOf.set(c.name, server);
  }
  const userNames = new Set(users.map((u) => u.name));
  const servers: Record<string, string> = {};
  for (const ctx of contexts) {
    const cluster = ctx.body.cluster;
    const user = ctx.body.user;
    const server = typeof cluster === 'string' ? serverOf.get(cluster) : undefined;
    if (server === undefined) {
      throw new KubeconfigProblem(
        `context "${ctx.name}" in the kubeconfig refers to cluster "${String(cluster)}", which is not in its clusters (${[...serverOf.keys()].join(', ')}).`
      );
    }
    if (typeof user !== 'string' || !userNames.has(user)) {
      throw new KubeconfigProblem(
        `context "${ctx.name}" in the kubeconfig refers to user "${String(user)}", which is not in its users (${[...userNames].join(', ')}).`
      );
    }
    servers[ctx.name] = server;
  }

  const contextNames = contexts.map((c) => c.name);
  const current = doc['current-context'];
  let currentContext: string | undefined;
  if (typeof current === 'string' && current !== '') {
    if (!contextNames.includes(current)) {
      throw new KubeconfigProblem(
        `the kubeconfig's current-context "${current}" is not one of its contexts (${contextNames.join(', ')}).`
      );
    }
    currentContext = current;
  }

  const secrets = new Set<string>();
  for (const u of users) collectUserSecrets(u.body, secrets);

  return {
    text,
    contexts: contextNames,
    ...(currentContext !== undefined ? { currentContext } : {}),
    clusters: clusters.map((c) => c.name),
    secrets: [...secrets],
    servers
  };
}

/**
 * The context to use: `name` when given (it must exist), else the current-context, else the only
 * context. Throws KubeconfigProblem naming the available contexts when the choice is impossible.
 */
export function selectContext(decoded: DecodedKubeconfig, name?: string): string {
  const available = decoded.contexts.map((c) => `"${c}"`).join(', ');
  if (name !== undefined && name !== '') {
    if (decoded.contexts.includes(name)) return name;
    throw new KubeconfigProblem(
      `context "${name}" is not in the kubeconfig; available contexts: ${available}.`
    );
  }
  if (decoded.currentContext !== undefined) return decoded.currentContext;
  const only = decoded.contexts.length === 1 ? decoded.contexts[0] : undefined;
  if (only !== undefined) return only;
  throw new KubeconfigProblem(
    `the kubeconfig has ${decoded.contexts.length} contexts and no current-context; set the context input to one of: ${available}.`
  );
}
