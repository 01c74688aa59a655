// A CRM's own HTTPS server for the cross-site tests (`https://crm.test:PORT`): it serves
// the CRM's pages under their Content-Security-Policy, a token backend for Ozonetel (its
// backend keeps the API key), and — for the same-origin topology — a reverse proxy of
// /api/v2 to GWS. It uses the simulator's certificate (made for crm.test, gws.test, …).
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type CrmOptions = {
  /** The TLS certificate and key (PEM), the simulator's. */
  cert: string;
  key: string;
  /** path → HTML */
  pages: Record<string, string>;
  /** The pages' Content-Security-Policy. */
  csp: string;
  /** Forward /api/v2/* to this GWS (the same-origin reverse proxy); `ca` is trusted for it. */
  proxyTo?: string;
  /** GET /crm/ozonetel-token mints a token at this CloudAgent with the CRM's API key. */
  ozonetel?: { baseUrl: string; userName: string; apiKey: string };
  /** Trusted for the server's own requests upstream (GWS, CloudAgent). */
  ca?: string;
};

export type Crm = { url: (host?: string) => string; port: number; proxied: () => number; close: () => Promise<void> };

/** The same-origin reverse proxy, all of it: each /api/v2 request goes to GWS as it came
 *  (method, path and query, headers — the cookies and the CSRF token among them — and the
 *  body), and GWS's answer comes back as it went (status, headers — Set-Cookie and the CSRF
 *  headers among them — and the body). Both are streamed, so the CometD long poll is held
 *  open as GWS holds it, and a request the browser gives up is given up upstream too.
 *  The cookies GWS sets have no Domain, so the browser keeps them for the CRM's own host:
 *  first-party, whatever their SameSite. In nginx this is
 *    location /api/v2/ { proxy_pass https://gws.internal; proxy_buffering off; proxy_read_timeout 60s; } */
function proxy(req: IncomingMessage, res: ServerResponse, gws: URL, ca?: string) {
  const upstream = https.request({
    hostname: gws.hostname, port: gws.port, ca,
    method: req.method, path: req.url, headers: { ...req.headers, host: gws.host },
  }, answer => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());   // GWS unreachable or gone: so is the answer
  res.on('close', () => upstream.destroy());   // the browser gave up (or the answer is done)
  req.pipe(upstream);
}

/** The CRM backend's token route: generateToken with the API key, which never reaches the
 *  browser; the page gets `{"token": …}`. */
async function mintToken(res: ServerResponse, oz: NonNullable<CrmOptions['ozonetel']>, ca?: string) {
  const body = JSON.stringify({ userName: oz.userName });
  const upstream = https.request(`${oz.baseUrl}/ca_apis/CAToken/generateToken`, {
    method: 'POST', ca, headers: { 'content-type': 'application/json', apiKey: oz.apiKey },
  }, answer => {
    let text = '';
    answer.on('data', c => { text += c; });
    answer.on('end', () => {
      const token = JSON.parse(text).token;
      res.writeHead(token ? 200 : 502, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(token ? { token } : { error: text }));
    });
  });
  upstream.on('error', e => { res.writeHead(502); res.end(String(e)); });
  upstream.end(body);
}

export async function crmServer(opts: CrmOptions): Promise<Crm> {
  let proxied = 0;
  const gws = opts.proxyTo ? new URL(opts.proxyTo) : undefined;
  const server = https.createServer({ cert: opts.cert, key: opts.key }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (gws && path.startsWith('/api/v2/')) {
      proxied++;
      proxy(req, res, gws, opts.ca);
    } else if (opts.ozonetel && path === '/crm/ozonetel-token') {
      void mintToken(res, opts.ozonetel, opts.ca);
    } else if (opts.pages[path] !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': opts.csp,
                           'cache-control': 'no-store' });
      res.end(opts.pages[path]);
    } else if (path === '/favicon.ico') {
      res.writeHead(204); res.end();
    } else {
      res.writeHead(404); res.end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (host = 'crm.test') => `https://${host}:${port}`,
    proxied: () => proxied,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
