// One request to a running server as the API's clients make it: a bearer token (the admin's unless
// another is given), a JSON body or a CSV upload (either makes it a POST), the JSON answer.
export interface CallInit {
  token?: string;
  body?: unknown;
  csv?: string;
}

export function serverCaller(adminToken: string) {
  return async (server: { url: string }, path: string, init: CallInit = {}) => {
    const res = await fetch(server.url + path, {
      method: init.body !== undefined || init.csv !== undefined ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${init.token ?? adminToken}`,
        ...(init.csv !== undefined ? { 'content-type': 'text/csv' } : init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.csv ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
    return { status: res.status, body: await res.json() };
  };
}
