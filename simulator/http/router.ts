/**
 * Path matching like RestServer: an exact path first, then Ant-style patterns where `{var}` matches one
 * segment. APIs registered on the same path (after normalising variable names) share a route; the
 * HTTP method and the body's action key then pick one (docs/zstack-wire.md §3.1).
 */
import type { ApiDef } from "./api";

export interface Route {
  /** normalised pattern, e.g. "/v1/longjobs/{}/actions" */
  key: string;
  segments: (string | null)[];
  trailingSlash: boolean;
  apis: ApiDef[];
}

export interface RouteMatch {
  route: Route;
  /** raw segment values at the variable positions, in order */
  values: string[];
}

function tokenize(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}

export class Router {
  private readonly exact = new Map<string, Route>();
  private readonly patterns = new Map<number, Route[]>();
  private readonly byKey = new Map<string, Route>();

  constructor(apis: readonly ApiDef[]) {
    for (const api of apis) {
      const key = api.path.replace(/\{[^}]*\}/g, "{}");
      let route = this.byKey.get(key);
      if (!route) {
        const segments = tokenize(api.path).map((s) => (/^\{.*\}$/.test(s) ? null : s));
        route = { key, segments, trailingSlash: api.path.endsWith("/"), apis: [] };
        this.byKey.set(key, route);
        if (segments.every((s) => s !== null)) this.exact.set(api.path, route);
        else {
          const list = this.patterns.get(segments.length) ?? [];
          list.push(route);
          this.patterns.set(segments.length, list);
        }
      }
      route.apis.push(api);
    }
  }

  match(path: string): RouteMatch | undefined {
    const exact = this.exact.get(path);
    if (exact) return { route: exact, values: [] };
    const tokens = tokenize(path);
    const candidates = this.patterns.get(tokens.length);
    if (!candidates) return undefined;
    const endsWithSlash = path.endsWith("/");
    outer: for (const route of candidates) {
      if (route.trailingSlash !== endsWithSlash) continue;
      const values: string[] = [];
      for (let i = 0; i < tokens.length; i++) {
        const seg = route.segments[i];
        if (seg === null) values.push(tokens[i]);
        else if (seg !== tokens[i]) continue outer;
      }
      return { route, values };
    }
    // an exact path registered without variables may also be reached with extra slashes
    for (const [p, route] of this.exact) {
      if (
        route.segments.length === tokens.length &&
        route.trailingSlash === endsWithSlash &&
        tokenize(p).every((s, i) => s === tokens[i])
      ) {
        return { route, values: [] };
      }
    }
    return undefined;
  }

  /** Variable values by the names of one API's own pattern. */
  static vars(api: ApiDef, values: string[]): Record<string, string> {
    const names = [...api.path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
    const out: Record<string, string> = {};
    names.forEach((n, i) => (out[n] = values[i]));
    return out;
  }
}
