import { useEffect, useState } from 'preact/hooks';

/** Hash routes (`#/sessions/ses_1?asOf=…`): deep links work offline and need no server fallback. */
export interface Route {
  readonly path: string[];
  readonly params: URLSearchParams;
}

function current(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?', 2);
  return {
    path: path
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent),
    params: new URLSearchParams(search),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = (): void => {
      setRoute(current());
    };
    addEventListener('hashchange', onChange);
    return () => {
      removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}

/** The href of a console route. */
export function href(path: string[], params: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, v);
  const q = search.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${q === '' ? '' : `?${q}`}`;
}

export function navigate(path: string[], params: Record<string, string | undefined> = {}): void {
  location.hash = href(path, params);
}
