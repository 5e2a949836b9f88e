// Taskforge console: the public HTTP API, signed in by the session cookie (the console is its first client).

/** Calls the API; answers {status, body, headers}. Never throws for an HTTP status, only for a network failure. */
export async function api(path, init = {}) {
  const headers = { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...(init.headers || {}) };
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers });
  let body = null;
  if ((response.headers.get('Content-Type') || '').includes('json')) {
    try { body = await response.json(); } catch { body = null; }
  }
  return { status: response.status, body, headers: response.headers };
}

/** The API's own words for a refusal, or a fallback. */
export function errorMessage(answer, fallback = 'request failed') {
  const error = answer && answer.body && answer.body.error;
  if (error && error.message) return error.message + (error.field ? ` (${error.field})` : '');
  return `${fallback} (HTTP ${answer ? answer.status : '?'})`;
}

/** An API error, thrown by {@link must} for a status other than the expected ones. */
export class ApiError extends Error {
  constructor(answer) {
    super(errorMessage(answer));
    this.answer = answer;
  }
}

/** Calls the API and answers the body, or throws an ApiError (a 401 also asks the page to sign in again). */
export async function must(path, init = {}, ok = [200, 201, 204]) {
  const answer = await api(path, init);
  if (!ok.includes(answer.status)) {
    if (answer.status === 401) window.dispatchEvent(new CustomEvent('taskforge:signed-out'));
    throw new ApiError(answer);
  }
  return answer.body;
}

/** A JSON body for a POST, PATCH or DELETE. */
export function json(method, body) {
  return { method, body: body === undefined ? undefined : JSON.stringify(body) };
}

/** A query string from an object; arrays repeat the parameter, empty values are left out. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => search.append(key, v));
    else if (value !== undefined && value !== null && value !== '') search.append(key, value);
  }
  const text = search.toString();
  return text ? '?' + text : '';
}
